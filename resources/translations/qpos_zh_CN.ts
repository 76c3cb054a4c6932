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
</context>
<context>
    <name>qpos::ConfigLoader</name>
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
        <source>%1%2: the file %3 does not exist. Allowed: %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1%2: %3 is not a file this user can read. Allowed: %4.</source>
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
    <name>qpos::IniFile</name>
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
    <name>qpos::Validator</name>
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
</context>
<context>
    <name>qpos::crypto::RsaPrivateKey</name>
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
</context>
<context>
    <name>qpos::crypto::RsaPublicKey</name>
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
        <source>%1 (OpenSSL: %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The signature is not valid base64, so it cannot be checked. The message may have been damaged on the way.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::crypto::X509Certificate</name>
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
    <name>qpos::crypto::detail</name>
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
        <source>%1 could not be decoded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be encoded.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::crypto::detail::RsaKeyAccess</name>
    <message>
        <source>The public half of the private key</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>qpos::crypto::detail::RsaKeyState</name>
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
