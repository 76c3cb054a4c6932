#pragma once

#include <QByteArray>

namespace qpos::test {

// A self-signed certificate (PEM) for a fresh 2048-bit RSA key, valid for 30 days from now,
// with the given serial (hex) and subject common name; empty if OpenSSL fails. Suites that
// use it compile TestCertificates.cpp and link OpenSSL::Crypto.
QByteArray selfSignedCertificate(const char* serialHex, const char* commonName);

} // namespace qpos::test
