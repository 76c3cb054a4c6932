#pragma once

#include <QString>
#include <QStringView>

namespace qpos {

// Removes secrets from a log message before it is written anywhere, keeping the rest of the
// text. Every rule replaces only the secret itself with "[REDACTED]":
//
//  1. PEM blocks: "-----BEGIN X-----" ... "-----END X-----" (real or escaped "\n" line
//     breaks, any label) keep their two marker lines; the body goes. A BEGIN line without an
//     END loses the base64 lines that follow it.
//  2. "Authorization" values: "Authorization: WECHATPAY2-SHA256-RSA2048 mchid=...,signature=..."
//     keeps the scheme word and loses the rest up to the next blank; a quoted value
//     ("Authorization":"...") goes entirely.
//  3. Labelled values: a label, then '=' or ':' (or blanks and a quoted value), then the value.
//     The labels, in any case and with any prefix joined by '_' or '-' ("manager_pin",
//     "app_private_key", "Wechatpay-Signature"): sign, sign_content, signature, pin,
//     password, passwd, passcode, api_v3_key/apiv3_key, api_key, private_key, secret,
//     secret_key, app_auth_token, auth_code (a buyer's payment code), access_token. Forms:
//     sign=VALUE (up to '&', ',', ';', a blank or a quote), "sign":"VALUE" (JSON, also
//     escaped \"sign\":\"VALUE\"), signature="VALUE", 'VALUE', PIN: 1234.
//     Labels match whole words only: "sign_type", "design" or "pin_hash" are not labels.
//  4. Long base64 runs: at least 40 characters of [A-Za-z0-9+/] (also "\/" as Alipay escapes
//     '/', and %2B %2F %3D as in form bodies), with optional trailing '=' padding, that
//     contain an upper-case letter, a lower-case letter and a digit. Runs are broken by any
//     other character, so order numbers such as DEMO_T01_20261123_00000042 (underscores),
//     QR URLs' short tokens, 28-digit trade numbers, hex digests and serial numbers (single
//     case) and plain-word paths stay readable.
//
// The expressions are compiled and JIT-optimised once (function statics) and shared by all
// threads: QRegularExpression compiles under its own mutex and matches with per-call match
// data and per-thread JIT stacks, so concurrent matching on a const object is safe. About
// 2 us for a typical 100-character message.
class Redactor {
public:
    static QString mask();
    static QString redact(const QString& text);
};

} // namespace qpos
