<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>main</name>
    <message>
        <source>Cashier till for Alipay and WeChat Pay QR payments.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the demo shop on simulated payment providers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read FILE after the system and user configuration.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The configuration is not valid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write the log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the order database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Simulated Alipay (and later WeChat Pay) gateways on loopback HTTP: real wire protocol, signatures, trade rules, a simulated buyer, notifications, bills and faults on request. See docs/sandbox.md.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address to listen on (default 127.0.0.1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port to listen on; 0 picks a free one (default 8765).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the sandbox&apos;s provider keys in DIR (alipay_private_key.pem, made on first start, and alipay_public_key.pem for clients). Without it the keys are new on every start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Register an Alipay app: its app_id and the file with its public key (PEM or Alipay&apos;s bare base64). Repeatable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Register an Alipay app whose key pair the sandbox keeps in the key directory (app_APP_ID_private_key.pem for the till). Needs --key-dir. Repeatable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How the buyer answers alipay.trade.pay: immediate (default), buyer-confirms (10003 until the control API pays or cancels), confirm-then-pay, confirm-then-close, declined.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Milliseconds before confirm-then-pay / confirm-then-close resolve (3000).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Multiply Alipay&apos;s notification retry schedule (4m 10m 10m 1h 2h 6h 15h) by FACTOR; 0.001 makes it seconds (default 1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Milliseconds to wait for a notify_url to answer (15000).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also notify WAIT_BUYER_PAY (Alipay sends it only when asked to).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seconds a request&apos;s timestamp may differ from the clock (600).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prefix of the qr_code URLs answered by precreate (https://qr.alipay.com/).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Milliseconds a bill_download_url stays valid (30000, as Alipay).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refuse bills for today and this month, as Alipay does (T+1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inject a fault: KIND[:key=value,...] with KIND one of latency, http_error, timeout, drop_after_commit, service_unavailable, system_error, bad_signature, notify_duplicate, notify_out_of_order, notify_bad_signature and keys method, count (-1: always), probability, latency_ms, status, commit. Example: latency:latency_ms=800,method=alipay.trade.query,count=-1. Repeatable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seed for probabilistic faults (reproducible runs).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log every request and notification.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--%1 must be a number from %2 to %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--pay-behaviour must be immediate, buyer-confirms, confirm-then-pay, confirm-then-close or declined.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--listen must be an IP address such as 127.0.0.1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--alipay-demo-app needs --key-dir to keep the app&apos;s key in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--alipay-app takes APP_ID=PUBLIC_KEY_FILE, not &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::Channel</name>
    <message>
        <source>Alipay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WeChat Pay</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::Config</name>
    <message>
        <source>1 to 16 characters, only letters A-Z, a-z and digits 0-9; no underscore, because order numbers are built as STORE_TERMINAL_DATE_SEQ</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>true or false (also yes/no, on/off, 1/0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an https:// URL; plain http:// is allowed only for a loopback host (127.0.0.1, ::1 or localhost), as the sandbox uses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an absolute path, or a path relative to the directory of the configuration file that sets it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the path of an existing file (absolute, or relative to the directory of the configuration file that sets it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>whole milliseconds from 1000 to 120000</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Store id, the first part of every order number; required outside the sandbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any text of at most 64 characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Store name shown on screen and on receipts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Terminal id, unique within the store; required outside the sandbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The order database (SQLite) file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Directory of qpos.log and its rotated copies (created 0700)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>debug, info, warning or critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Least severe message written to the log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>whole kilobytes from 64 to 1048576</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size at which qpos.log is rotated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a whole number from 1 to 100</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log files kept, qpos.log included (qpos.log.1 is the newest rotated copy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>system, zh_CN or en</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language of the cashier screens; system follows the desktop&apos;s locale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take Alipay payments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay OpenAPI gateway address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>10 to 32 digits (usually 16)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay application id (APPID); required when enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File with the application&apos;s RSA private key (PEM or Alipay&apos;s bare base64 PKCS#8); required when enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File with Alipay&apos;s public key (PEM or bare base64); required when enabled and cert_mode is false</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an http:// or https:// URL, or empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where Alipay posts payment notifications (the store backend); empty: rely on polling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RSA2 (SHA256withRSA) only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signature algorithm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Public-key certificate mode instead of plain public keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Application public key certificate (appCertPublicKey_*.crt); required when cert_mode is true</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay public key certificate (alipayCertPublicKey_RSA2.crt); required when cert_mode is true</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay root certificate (alipayRootCert.crt); required when cert_mode is true</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time limit of one request to Alipay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take WeChat Pay payments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WeChat Pay APIv3 base address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>6 to 32 digits (usually 10)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merchant id (mchid); required when enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>4 to 32 letters and digits (usually wx + 16 characters)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AppID bound to the merchant; required when enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File with the merchant API private key (apiclient_key.pem); required when enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>8 to 64 hexadecimal digits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serial number of the merchant API certificate; required when enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File holding the 32-character APIv3 key (decrypts notifications); required when enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File with the WeChat Pay public key (pub_key.pem) that verifies responses; required when enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 to 64 letters, digits and underscores (PUB_KEY_ID_...)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Id of the WeChat Pay public key; required when enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where WeChat Pay posts payment notifications (the store backend); WeChat requires it, so required when enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time limit of one request to WeChat Pay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>whole seconds from 30 to 900</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How long a payment QR stays valid before the order is closed at the provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2, line %3): %4. Allowed: %5.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the value (not shown, it is secret)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the value is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2 characters long</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 contains an underscore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 contains a character other than a letter or digit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not have the expected form</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a yes/no value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a whole number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is out of range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not one of the choices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a complete URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 uses the scheme &quot;%2&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the URL contains a user name or password (not shown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 uses plain http to &quot;%2&quot;, which is not a loopback host; payment traffic must be encrypted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the value looks like the key itself, not the path of a file (it is not shown here). Put the key in a file readable only by the service user (chmod 600) and give that file&apos;s path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 starts with &apos;~&apos;, which is not expanded; write the full path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (not present)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The configuration file %1 that was given explicitly does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> Did you mean %1? Names are case-sensitive.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2, line %3) is not a known key and is ignored.%4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no configuration file was given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is required %2 but is not set. Files searched: %3. Allowed: %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (%1, line %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1%2: the file %3 does not exist. Allowed: %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1%2: %3 is not a file this user can read. Allowed: %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1%2: %3 can be read by other users; make it readable only by the service user (chmod 600).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>outside the sandbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>when [alipay] enabled is true</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>when [alipay] cert_mode is true</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>when [alipay] enabled is true and cert_mode is false</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>when [wechat] enabled is true</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Configuration file %1 is a directory, not a file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Configuration file %1 cannot be read: %2. Check that it exists and that the service user may read it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Configuration file %1 is %2 bytes long; a configuration file must be smaller than %3 bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Configuration file %1 cannot be read: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Configuration file %1 is not a text file (it contains NUL bytes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, line %2: the text is not valid UTF-8. Save the file as UTF-8.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, line %2: &quot;%3&quot; is not a valid section header; write [name] with letters, digits, &apos;_&apos;, &apos;-&apos; or &apos;.&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, line %2: expected &quot;key = value&quot;, a [section] header or a comment starting with # or ;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, line %2: &quot;%3&quot; is not a valid key name; use letters, digits, &apos;_&apos;, &apos;-&apos; or &apos;.&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, line %2: key &quot;%3&quot; comes before any [section] header.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, line %2: [%3] %4 is set again (first set on line %5). Keep only one.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::Database</name>
    <message>
        <source>Cannot create the directory %1 for the order database; check that the user running qpos may write there, or set [database] path.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the order database %1: %2. Check the file&apos;s permissions and free disk space.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the order database %1: %2. The file may be damaged or not an order database: keep it (it may hold orders), move it aside and contact support.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The order database %1 cannot use write-ahead logging (is it on a network file system?). Move it to a local disk.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database error while %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::FileLog</name>
    <message>
        <source>A log file is already being written (%1); close it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No log directory is configured ([log] dir).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The log directory %1 cannot be created; check [log] dir and the permissions of its parent directory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The log file %1 cannot be opened for writing: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A log file is already being written; close it first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::OrderSchema</name>
    <message>
        <source>reading the schema version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The order database %1 was written by a newer qpos (schema %2; this program knows up to %3). Install the newer qpos again; do not delete the file, it holds the orders.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upgrading the order database to schema %1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::OrderState</name>
    <message>
        <source>New</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for payment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking with provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Partially refunded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::OrderStateMachine</name>
    <message>
        <source>Illegal order transition from %1 to %2 (source: %3); the change was not applied.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::OrderStore</name>
    <message>
        <source>Store id &apos;%1&apos; or terminal id &apos;%2&apos; is not valid: use 1-16 letters or digits, set in [store] id and [terminal] id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>preparing statements</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The order database is not open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The amount must be between 0.01 and %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The order description must be 1-127 characters long.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item &apos;%1&apos; needs a name, a quantity of at least 1 and a price of at most %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The items add up to %1 but the amount is %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>numbering the order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>saving the order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>saving the order&apos;s items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recording the order&apos;s creation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>queueing the order for upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reading the order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Order %1: a partial refund must leave between 0.01 and %2 refunded; the change was not applied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>updating the order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recording the order&apos;s change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>queueing the change for upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>updating the daily totals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reading the order&apos;s items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reading the order&apos;s history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>listing orders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reading daily totals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>finding unfinished orders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reading the upload queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>marking uploaded changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rescheduling uploads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No order %1 on this terminal. Check the order number.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayAnswers</name>
    <message>
        <source>Alipay&apos;s answer is about order %1, not %2; it was not used. The till will ask Alipay again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay&apos;s signed answer could not be understood (%1). Nothing was assumed; the till will ask Alipay again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayBill</name>
    <message>
        <source>Alipay&apos;s bill %1 cannot be read: %2. Download the bill again; if this stays, keep the file for support.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1 follows the closing lines of the table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it ends at line %1 without the table&apos;s closing line (&quot;…列表结束…&quot;): the file is truncated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it has no column header line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1 has %2 columns, the header has %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1: %2 is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1: %2 &quot;%3&quot; is not a time (yyyy-MM-dd HH:mm:ss)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the column %1 is missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1: 支付宝交易号 is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay&apos;s bill archive has no detail file (…_业务明细.csv). Download the bill again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayClient</name>
    <message>
        <source>The request was not sent to Alipay: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the amount must be between 0.01 and %1 yuan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the order has no number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the order number or subject is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the order number, subject or payment code is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the refund has no request number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the bill date is not valid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay is not reachable; payments will be checked again when it is back (next try in about %1 s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The outcome is not known yet; the till will ask Alipay again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay did not answer in time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay&apos;s answer was too large and was not read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secure connection to Alipay failed (%1). Check the till&apos;s clock and network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to Alipay failed (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay&apos;s server answered HTTP %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay gave a bill address that is not https; the bill was not downloaded.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayClientSettings</name>
    <message>
        <source>The Alipay gateway address is not a valid URL. Check [alipay] gateway_url.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Alipay gateway must be reached over https (plain http only to this machine&apos;s sandbox). Check [alipay] gateway_url.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Alipay app id is missing. Check [alipay] app_id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Alipay app private key is not loaded. Check [alipay] app_private_key_path.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay&apos;s public key is not loaded. Check [alipay] alipay_public_key_path (or the Alipay certificate in certificate mode).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate mode needs the app, Alipay and Alipay root certificates. Check [alipay] app_cert_path, alipay_cert_path and alipay_root_cert_path.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Alipay request timeout must be positive. Check [alipay] timeout_ms.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayCodes</name>
    <message>
        <source>This order is already closed at Alipay. Start a new sale to charge again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer&apos;s Alipay balance is not enough. Ask the customer to choose another way to pay in Alipay, or to pay another way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer&apos;s bank card has not enough money. Ask the customer to choose another card in Alipay, or to pay another way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer&apos;s payment code is not valid or has expired. Ask the customer to refresh the payment code, then scan it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay has no record of this order.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay does not accept this amount. Check the amount and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay refused the order&apos;s description. Change the item names and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This order number was already used with other details. Start a new sale.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another customer has already started paying this order. Start a new sale.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer&apos;s Alipay account is the shop&apos;s own account. Ask the customer to pay with another account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer&apos;s Alipay account cannot pay at the moment. Ask the customer to pay another way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer has reached the daily payment limit of Alipay. Ask the customer to pay another way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer has reached the monthly payment limit of Alipay. Ask the customer to pay another way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The amount is over the payment limit of this shop or customer. Ask the customer to pay another way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The amount is over the limit for one payment. Ask the customer to pay another way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer&apos;s Alipay account is not verified enough for this payment. Ask the customer to pay another way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The payment failed at Alipay. Ask the customer to try again, or to pay another way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay stopped this payment for safety reasons. Ask the customer to pay another way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer has no usable way to pay in Alipay. Ask the customer to add one, or to pay another way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer has turned off paying by payment code. Ask the customer to turn it on in Alipay, or show the QR code instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay could not ask the customer to confirm on the phone. Ask the customer to scan the QR code instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This shop&apos;s Alipay account is restricted. The manager must contact Alipay.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay does not know this store. Ask IT to check [store] id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This shop&apos;s Alipay contract does not allow this. The manager must check the contract with Alipay.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay refused the request as invalid. Ask IT to check the till&apos;s Alipay settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop&apos;s Alipay balance is too low for this refund. Top up the balance, then refund again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The refund amount does not match the paid amount.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This order is frozen at Alipay and cannot be refunded now. The manager must contact Alipay.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This order is finished at Alipay and can no longer be refunded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The order&apos;s state at Alipay does not allow this. Check the order&apos;s state and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This refund was already requested with a different amount. Check the refund and start it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The refund is more than what can still be refunded on this order.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This order cannot be refunded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay has no bill for this date yet. A day&apos;s bill is ready the next day after 10:00; try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay could not verify the till&apos;s signature. Ask IT to check [alipay] app_private_key against the public key uploaded to Alipay.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay does not know this app. Ask IT to check [alipay] app_id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay did not accept the app&apos;s authorisation. Ask IT to check the till&apos;s Alipay settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay refused the request as incomplete. Ask IT to check the till&apos;s Alipay settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This shop&apos;s Alipay app is not allowed to do this. The manager must check the app&apos;s permissions with Alipay.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay refused the request: %1 (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay is busy and did not say what happened (%1). The till will ask Alipay again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay asked for the request to be repeated (%1). The till will repeat it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for the customer to confirm the payment on the phone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay says this order is already paid. The till is checking its state.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay answered with an unexpected code (%1). The till will ask Alipay again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayNotification</name>
    <message>
        <source>The notification is signed with %1; only RSA2 is accepted. It was refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notification uses the character set %1; only utf-8 is accepted. It was refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notification is for Alipay app %1, not this shop&apos;s app %2. It was refused; check [alipay] app_id and notify_url.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notification has no %1. It was refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notification&apos;s trade_status %1 is not one Alipay defines. It was refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notification&apos;s amount is malformed (%1). It was refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notification&apos;s %1 &quot;%2&quot; is not a time. It was refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notification names order %1, which this shop does not have as an Alipay order. It was refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notification says order %1 is for %2 yuan, but the order is for %3 yuan. It was refused.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayResponseReader</name>
    <message>
        <source>Alipay&apos;s answer carries no signature and cannot be trusted (Alipay code %1 %2). %3 The till will ask Alipay again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay signed its answer with a certificate the till does not have (Alipay may have renewed it). Download the current Alipay public-key certificate and update [alipay] alipay_cert_path.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipaySignature</name>
    <message>
        <source>Alipay&apos;s answer could not be read (%1). The payment&apos;s outcome is not known yet; the till will ask Alipay again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The form data is malformed (%1) and was refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay&apos;s answer carries no signature and cannot be trusted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay&apos;s answer failed signature verification (%1). Check [alipay] alipay_public_key; the answer was not trusted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notification carries no signature and was refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notification failed signature verification and was refused (%1).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::alipay::CsvReader</name>
    <message>
        <source>line %1 is not valid CSV (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the quoted field that starts on line %1 is never closed: the file is truncated</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::alipay::GbkCodec</name>
    <message>
        <source>This system cannot convert GBK text (glibc&apos;s GB18030 converter is missing). Reinstall the libc6 package.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the text ends in the middle of a character (line %1): the file is truncated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1, byte %2 is not valid GBK text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The text has a character GBK cannot hold (byte %1).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::alipay::ZipArchiveReader</name>
    <message>
        <source>The bill archive is damaged (%1). Download the bill again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A file in the bill archive is larger than %1 bytes and was not read.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::crypto</name>
    <message>
        <source>The private key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No private key is loaded. Configure the merchant private key first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key is protected by a passphrase, which a till cannot type in. Store it unencrypted in a file readable only by the service user, for example: openssl pkey -in encrypted.pem -out key.pem &amp;&amp; chmod 600 key.pem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A public key or certificate was given where the private key is expected. Configure the merchant&apos;s private key (the one used to generate the public key registered with the provider).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key could not be decoded: it is damaged, truncated, or not a private key. Copy the whole key again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The public key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No public key is loaded. Configure the provider&apos;s public key or certificate first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A private key was given where a public key is expected. Configure the provider&apos;s public key or certificate instead, and keep the private key secret.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate could not be decoded: it is damaged or truncated. Download or copy the certificate file again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate number %1 in the file could not be decoded: it is damaged or truncated. Download or copy the certificate file again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The AES-256-GCM key has %1 bytes instead of %2. The WeChat Pay APIv3 key is exactly 32 characters: copy it again from the merchant platform.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The AES-256-GCM nonce has %1 bytes instead of %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The data is too large to encrypt or decrypt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The encrypted data has only %1 bytes, fewer than the %2-byte authentication tag: it was truncated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not prepare AES-256-GCM decryption.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AES-256-GCM decryption failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The encrypted data failed authentication: the APIv3 key is wrong, or the data, nonce or associated data were changed. Check the APIv3 key configured for this merchant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not prepare AES-256-GCM encryption.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AES-256-GCM encryption failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Alipay root certificate file holds no RSA-signed certificate, so alipay_root_cert_sn cannot be computed. Download alipayRootCert.crt again from the Alipay open platform.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No file name was given. Set the path of the key file in the configuration.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file %1 does not exist. Check the path in the configuration and that the file was installed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a directory, not a key file. Give the path of the file itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a regular file. Give the path of a key file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file %1 is empty. Copy the key into it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file %1 is larger than %2 bytes, too large for a key or certificate. Check that the path points to the right file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file %1 cannot be read by this user (permission denied). Make it owned by the user the service runs as (chown USER %1) and readable only by that user (chmod 600 %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file %1 cannot be opened: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secret file %1 can be accessed by other users (mode %2), so it is refused. Make it private to the service user: chmod 600 %1, and make it owned by the user the service runs as (chown USER %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secret file %1 belongs to another user (uid %2) than the one running qpos (uid %3), so it is refused. Make it owned by the user the service runs as (chown USER %1) and chmod 600 %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file %1 cannot be read: %2. Check its permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (OpenSSL: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not prepare the PEM text for reading.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A PEM block is damaged: its BEGIN/END lines or its base64 body are incomplete. Copy the whole block again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The stored PIN hash is damaged or in an unknown format, so the PIN cannot be checked. Set the PIN again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PIN could not be hashed (scrypt failed). The system may be out of memory; try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PIN is empty. Enter a PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The scrypt parameters for PIN hashing are out of range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PIN is wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be decoded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>non-RSA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a %2 key, but Alipay and WeChat Pay (RSA2) need an RSA key of at least %3 bits. Use the RSA key generated for this merchant account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has only %2 bits; at least %3 are required. Generate a new RSA key of %3 bits or more and register its public key with the payment provider.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A public key cannot sign.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not prepare RSA signing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not compute the SHA-256 digest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RSA signing failed. Check that the private key is intact.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The signature has %1 bytes, but a signature made with this %2-bit key has %3. The signature is damaged or belongs to another key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not prepare RSA verification.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The signature does not match the data: the data was changed, or it was signed with a different key. Check that the configured public key is the provider&apos;s current one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RSA signature verification failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be encoded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key is empty. Paste the whole key: the PEM text with its BEGIN/END lines, or the base64 text of Alipay&apos;s key tool.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key is in OpenSSH format. Convert it to PEM, for example with: ssh-keygen -p -m PEM -f KEYFILE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No private key was found in the PEM text. Expected a block starting with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The private key is neither PEM text nor valid base64. Copy the key again exactly as the key tool produced it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An RSA key needs at least %1 bits; %2 were asked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not generate an RSA key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The public half of the private key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The public key is empty. Paste the whole key: the PEM text with its BEGIN/END lines, or the base64 text the provider shows.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The public key&apos;s PEM block could not be decoded: it is damaged or truncated. Copy the whole key again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No public key was found in the PEM text. Expected a block starting with -----BEGIN PUBLIC KEY-----, -----BEGIN RSA PUBLIC KEY----- or -----BEGIN CERTIFICATE-----.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The public key is neither PEM text nor valid base64. Copy the key again exactly as the provider shows it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The public key could not be decoded: it is damaged, truncated, or not a public key. Copy the whole key again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The signature is not valid base64, so it cannot be checked. The message may have been damaged on the way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system&apos;s secure random number generator failed. Restart the application; if this persists, the system&apos;s entropy source is broken.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A negative number of random bytes was asked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A negative nonce length was asked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate text is empty. Give the whole PEM file with its BEGIN/END CERTIFICATE lines.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No certificate was found. Expected a block starting with -----BEGIN CERTIFICATE-----.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No certificate is loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate&apos;s public key could not be read; it may use an algorithm this system does not support.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The certificate&apos;s public key</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::money</name>
    <message>
        <source>Amount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>enter an amount such as 12.34</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>remove the spaces from the amount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a negative amount is not allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>write the amount without a &apos;+&apos; sign</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>write the amount as plain digits, such as 12.34, not in exponent form</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>write the amount without thousands separators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only the digits 0-9 and one decimal point are allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only one decimal point is allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>write a digit before the decimal point, such as 0.50</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>write a digit after the decimal point, or leave the point out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at most two decimals (fen) are allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>remove the leading zeros</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the largest amount allowed is %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the amount must be at least 0.01</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::AlipaySimulator</name>
    <message>
        <source>An app needs an app_id of at most 32 characters and an RSA public key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No Alipay order %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Several apps have an order %1; name the app_id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No Alipay order has that QR code.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::FaultRule</name>
    <message>
        <source>The fault is not valid: %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::GbkCodec</name>
    <message>
        <source>The text is not valid GBK.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::KeyFile</name>
    <message>
        <source>Cannot write the key file %1: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key file %1 can be read by other users. Run &quot;chmod 600 %1&quot; and start again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the key file %1: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key file %1 is not usable: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the key directory %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::SandboxServer</name>
    <message>
        <source>The sandbox cannot listen on %1 port %2; is another program using it?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::ZipArchive</name>
    <message>
        <source>The zip archive could not be %1: %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::ui::MainWindow</name>
    <message>
        <source>qpos — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SANDBOX — simulated payments, no real money</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · store %2 · terminal %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today&apos;s takings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid (yuan)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Net after refunds (yuan)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
