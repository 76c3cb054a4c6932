<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>main</name>
    <message>
        <source>Cashier till for Alipay and WeChat Pay QR payments.</source>
        <translation>支持支付宝和微信支付二维码收款的收银台。</translation>
    </message>
    <message>
        <source>Run the demo shop on simulated payment providers.</source>
        <translation>使用模拟支付机构运行演示门店。</translation>
    </message>
    <message>
        <source>Read FILE after the system and user configuration.</source>
        <translation>在系统配置和用户配置之后读取 FILE。</translation>
    </message>
    <message>
        <source>The configuration is not valid</source>
        <translation>配置无效</translation>
    </message>
    <message>
        <source>Cannot write the log</source>
        <translation>无法写入日志</translation>
    </message>
    <message>
        <source>Address to listen on (default 127.0.0.1).</source>
        <translation>监听地址（默认 127.0.0.1）。</translation>
    </message>
    <message>
        <source>Port to listen on; 0 picks a free one (default 8765).</source>
        <translation>监听端口；0 表示自动选择空闲端口（默认 8765）。</translation>
    </message>
    <message>
        <source>Register an Alipay app: its app_id and the file with its public key (PEM or Alipay&apos;s bare base64). Repeatable.</source>
        <translation>注册一个支付宝应用：其 app_id 及其公钥文件（PEM 或支付宝的纯 base64 格式）。可重复使用。</translation>
    </message>
    <message>
        <source>Register an Alipay app whose key pair the sandbox keeps in the key directory (app_APP_ID_private_key.pem for the till). Needs --key-dir. Repeatable.</source>
        <translation>注册一个支付宝应用，其密钥对由沙箱保存在密钥目录中（收银台使用 app_APP_ID_private_key.pem）。需要 --key-dir。可重复使用。</translation>
    </message>
    <message>
        <source>How the buyer answers alipay.trade.pay: immediate (default), buyer-confirms (10003 until the control API pays or cancels), confirm-then-pay, confirm-then-close, declined.</source>
        <translation>买家对 alipay.trade.pay 的响应方式：immediate（默认）、buyer-confirms（返回 10003，直到控制接口付款或取消）、confirm-then-pay、confirm-then-close、declined。</translation>
    </message>
    <message>
        <source>Milliseconds to wait for a notify_url to answer (15000).</source>
        <translation>等待 notify_url 响应的毫秒数（15000）。</translation>
    </message>
    <message>
        <source>Also notify WAIT_BUYER_PAY (Alipay sends it only when asked to).</source>
        <translation>同时发送 WAIT_BUYER_PAY 通知（支付宝仅在申请后才发送）。</translation>
    </message>
    <message>
        <source>Seconds a request&apos;s timestamp may differ from the clock (600).</source>
        <translation>请求时间戳与时钟允许相差的秒数（600）。</translation>
    </message>
    <message>
        <source>Prefix of the qr_code URLs answered by precreate (https://qr.alipay.com/).</source>
        <translation>precreate 返回的 qr_code 网址前缀（https://qr.alipay.com/）。</translation>
    </message>
    <message>
        <source>Milliseconds a bill_download_url stays valid (30000, as Alipay).</source>
        <translation>bill_download_url 的有效毫秒数（30000，与支付宝相同）。</translation>
    </message>
    <message>
        <source>Refuse bills for today and this month, as Alipay does (T+1).</source>
        <translation>与支付宝一样拒绝提供当天和当月的账单（T+1）。</translation>
    </message>
    <message>
        <source>Seed for probabilistic faults (reproducible runs).</source>
        <translation>概率性故障的随机种子（用于复现）。</translation>
    </message>
    <message>
        <source>Log every request and notification.</source>
        <translation>记录每个请求和通知。</translation>
    </message>
    <message>
        <source>--%1 must be a number from %2 to %3.</source>
        <translation>--%1 必须是 %2 到 %3 之间的数字。</translation>
    </message>
    <message>
        <source>--pay-behaviour must be immediate, buyer-confirms, confirm-then-pay, confirm-then-close or declined.</source>
        <translation>--pay-behaviour 必须是 immediate、buyer-confirms、confirm-then-pay、confirm-then-close 或 declined。</translation>
    </message>
    <message>
        <source>--listen must be an IP address such as 127.0.0.1.</source>
        <translation>--listen 必须是 IP 地址，例如 127.0.0.1。</translation>
    </message>
    <message>
        <source>--alipay-demo-app needs --key-dir to keep the app&apos;s key in.</source>
        <translation>--alipay-demo-app 需要 --key-dir 来保存应用的密钥。</translation>
    </message>
    <message>
        <source>--alipay-app takes APP_ID=PUBLIC_KEY_FILE, not &quot;%1&quot;.</source>
        <translation>--alipay-app 的格式为 APP_ID=PUBLIC_KEY_FILE，而不是“%1”。</translation>
    </message>
    <message>
        <source>Cannot start the demo shop</source>
        <translation>无法启动演示门店</translation>
    </message>
    <message>
        <source>The key file %1 can be read by other users. Run &quot;chmod 600 %1&quot; and start again.</source>
        <translation>密钥文件 %1 可被其他用户读取。请运行“chmod 600 %1”后重新启动。</translation>
    </message>
    <message>
        <source>Cannot read the key file %1.</source>
        <translation>无法读取密钥文件 %1。</translation>
    </message>
    <message>
        <source>The APIv3 key in %1 must be exactly 32 characters.</source>
        <translation>%1 中的 APIv3 密钥必须恰好为 32 个字符。</translation>
    </message>
    <message>
        <source>Cannot write the key file %1.</source>
        <translation>无法写入密钥文件 %1。</translation>
    </message>
    <message>
        <source>Simulated Alipay and WeChat Pay (APIv3) on loopback HTTP: real wire protocols, signatures, trade rules, a simulated buyer, notifications, bills and faults on request. See docs/sandbox.md.</source>
        <translation>在本机回环 HTTP 上模拟支付宝和微信支付（APIv3）：真实的通信协议、签名和交易规则，模拟买家、通知、账单，并可按需注入故障。详见 docs/sandbox.md。</translation>
    </message>
    <message>
        <source>Keep the sandbox&apos;s provider keys in DIR (alipay_private_key.pem and wechatpay_private_key.pem, made on first start, and the *_public_key.pem files for clients). Without it the keys are new on every start.</source>
        <translation>将沙箱的支付机构密钥保存在 DIR 中（首次启动时生成 alipay_private_key.pem 和 wechatpay_private_key.pem，以及供客户端使用的 *_public_key.pem 文件）。不指定时，每次启动都会生成新密钥。</translation>
    </message>
    <message>
        <source>Register a WeChat Pay merchant whose keys the sandbox keeps in the key directory (wechat_merchant_MCHID_private_key.pem and wechat_merchant_MCHID_apiv3_key.txt for the till). Needs --key-dir. Repeatable.</source>
        <translation>注册一个微信支付商户，其密钥由沙箱保存在密钥目录中（收银台使用 wechat_merchant_MCHID_private_key.pem 和 wechat_merchant_MCHID_apiv3_key.txt）。需要 --key-dir。可重复使用。</translation>
    </message>
    <message>
        <source>The appid of the --wechat-demo-merchant merchants (wx8888888888888888).</source>
        <translation>--wechat-demo-merchant 商户的 appid（wx8888888888888888）。</translation>
    </message>
    <message>
        <source>Where the --wechat-demo-merchant merchants&apos; notifications go (none).</source>
        <translation>--wechat-demo-merchant 商户的通知发送地址（默认无）。</translation>
    </message>
    <message>
        <source>How the buyer answers a WeChat payment code whose last digits do not choose: immediate (default), buyer-confirms, confirm-then-pay, confirm-then-close, declined.</source>
        <translation>微信付款码的末几位数字未指定响应方式时，买家的响应方式：immediate（默认）、buyer-confirms、confirm-then-pay、confirm-then-close、declined。</translation>
    </message>
    <message>
        <source>Milliseconds a WeChat Pay refund stays PROCESSING (0: SUCCESS at once).</source>
        <translation>微信支付退款保持 PROCESSING 状态的毫秒数（0：立即 SUCCESS）。</translation>
    </message>
    <message>
        <source>Milliseconds before confirm-then-pay / confirm-then-close resolve, for both providers (3000).</source>
        <translation>confirm-then-pay / confirm-then-close 得出结果前的毫秒数，两个支付机构通用（3000）。</translation>
    </message>
    <message>
        <source>Multiply the notification retry schedules (Alipay: 4m 10m 10m 1h 2h 6h 15h; WeChat Pay: 15s 15s 30s 3m 10m 20m 30m 30m 30m 1h 3h 3h 3h 6h 6h) by FACTOR; 0.001 makes minutes into tenths of seconds (default 1).</source>
        <translation>将通知重试间隔（支付宝：4m 10m 10m 1h 2h 6h 15h；微信支付：15s 15s 30s 3m 10m 20m 30m 30m 30m 1h 3h 3h 3h 6h 6h）乘以 FACTOR；0.001 可把分钟缩短到约十分之一秒（默认 1）。</translation>
    </message>
    <message>
        <source>--wechat-pay-behaviour must be immediate, buyer-confirms, confirm-then-pay, confirm-then-close or declined.</source>
        <translation>--wechat-pay-behaviour 必须是 immediate、buyer-confirms、confirm-then-pay、confirm-then-close 或 declined。</translation>
    </message>
    <message>
        <source>--wechat-demo-merchant needs --key-dir to keep the merchant&apos;s keys in.</source>
        <translation>--wechat-demo-merchant 需要 --key-dir 来保存商户的密钥。</translation>
    </message>
    <message>
        <source>Serve HTTPS with the sandbox&apos;s own CA (sandbox-ca.pem in --key-dir; name it in the till&apos;s [network] ca_file). Without --key-dir the CA is new on every start and printed.</source>
        <translation>使用沙箱自己的 CA 提供 HTTPS（--key-dir 中的 sandbox-ca.pem；在收银台的 [network] ca_file 中指定）。未指定 --key-dir 时每次启动都会生成新的 CA 并打印出来。</translation>
    </message>
    <message>
        <source>Hold every new connection MS milliseconds before serving it (default 0), as a distant provider&apos;s connection set-up would.</source>
        <translation>每个新连接在处理前等待 MS 毫秒（默认 0），模拟远端支付机构建立连接的耗时。</translation>
    </message>
    <message>
        <source>Add MS milliseconds to every request before it is handled (default 0), as a distant provider&apos;s round trip would.</source>
        <translation>每个请求在处理前增加 MS 毫秒（默认 0），模拟远端支付机构的往返时间。</translation>
    </message>
    <message>
        <source>Do not start the store server beside the providers (the tills then learn results by polling only).</source>
        <translation>不在支付机构旁启动门店服务器（收银台届时只能通过轮询获知结果）。</translation>
    </message>
    <message>
        <source>Port of the store server on the --listen address; 0 picks a free one (default: the providers&apos; port plus one, 8766; a free one with --port 0).</source>
        <translation>门店服务器在 --listen 地址上的端口；0 表示自动选择空闲端口（默认：支付机构端口加一，即 8766；使用 --port 0 时自动选择空闲端口）。</translation>
    </message>
    <message>
        <source>Print an enrollment code for this till, as in its [store] id and [terminal] id (default S001/T01). Repeatable.</source>
        <translation>为该收银台（其 [store] id 和 [terminal] id，默认 S001/T01）打印注册码。可重复指定。</translation>
    </message>
    <message>
        <source>--store-server-terminal takes STORE/TERMINAL, for example S001/T01, not &quot;%1&quot;.</source>
        <translation>--store-server-terminal 的格式为 STORE/TERMINAL，例如 S001/T01，而不是“%1”。</translation>
    </message>
    <message>
        <source>Cannot make a temporary folder for the store server&apos;s database: %1</source>
        <translation>无法为门店服务器的数据库创建临时目录：%1</translation>
    </message>
    <message>
        <source>Inject a fault: KIND[:key=value,...] with KIND one of latency, http_error, timeout, drop_after_commit, service_unavailable, system_error, bad_signature, stale_timestamp, notify_duplicate, notify_out_of_order, notify_bad_signature, notify_stale_timestamp, refund_unconfirmed, bill_drop_line, bill_change_amount, bill_foreign_trade, bill_drop_refund, bill_change_state, bill_duplicate_line, bill_next_day, bill_not_ready, bill_truncated and keys provider (alipay, wechat), method, count (-1: always), probability, latency_ms, status, commit; bill faults: bill_date (yyyy-MM-dd, required), out_trade_no, out_request_no, amount_fen, until_ms. Example: latency:latency_ms=800,method=alipay.trade.query,count=-1 or timeout:provider=wechat,method=query. Repeatable.</source>
        <translation>注入故障：KIND[:key=value,...]，KIND 可为 latency、http_error、timeout、drop_after_commit、service_unavailable、system_error、bad_signature、stale_timestamp、notify_duplicate、notify_out_of_order、notify_bad_signature、notify_stale_timestamp、refund_unconfirmed、bill_drop_line、bill_change_amount、bill_foreign_trade、bill_drop_refund、bill_change_state、bill_duplicate_line、bill_next_day、bill_not_ready、bill_truncated；键可为 provider（alipay、wechat）、method、count（-1：始终）、probability、latency_ms、status、commit；账单故障的键：bill_date（yyyy-MM-dd，必填）、out_trade_no、out_request_no、amount_fen、until_ms。示例：latency:latency_ms=800,method=alipay.trade.query,count=-1 或 timeout:provider=wechat,method=query。可重复指定。</translation>
    </message>
</context>
<context>
    <name>qpos::Channel</name>
    <message>
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
</context>
<context>
    <name>qpos::Config</name>
    <message>
        <source>1 to 16 characters, only letters A-Z, a-z and digits 0-9; no underscore, because order numbers are built as STORE_TERMINAL_DATE_SEQ</source>
        <translation>1 到 16 个字符，只能是字母 A-Z、a-z 和数字 0-9；不能有下划线，因为订单号按 STORE_TERMINAL_DATE_SEQ 组成</translation>
    </message>
    <message>
        <source>true or false (also yes/no, on/off, 1/0)</source>
        <translation>true 或 false（也可写 yes/no、on/off、1/0）</translation>
    </message>
    <message>
        <source>an https:// URL; plain http:// is allowed only for a loopback host (127.0.0.1, ::1 or localhost), as the sandbox uses</source>
        <translation>https:// 网址；仅本机回环地址（127.0.0.1、::1 或 localhost，即沙箱所用地址）允许使用明文 http://</translation>
    </message>
    <message>
        <source>an absolute path, or a path relative to the directory of the configuration file that sets it</source>
        <translation>绝对路径，或相对于设置该项的配置文件所在目录的路径</translation>
    </message>
    <message>
        <source>the path of an existing file (absolute, or relative to the directory of the configuration file that sets it)</source>
        <translation>已存在文件的路径（绝对路径，或相对于设置该项的配置文件所在目录的路径）</translation>
    </message>
    <message>
        <source>whole milliseconds from 1000 to 120000</source>
        <translation>1000 到 120000 之间的整数毫秒</translation>
    </message>
    <message>
        <source>Store id, the first part of every order number; required outside the sandbox</source>
        <translation>门店编号，是每个订单号的第一部分；非沙箱模式下必填</translation>
    </message>
    <message>
        <source>any text of at most 64 characters</source>
        <translation>最多 64 个字符的任意文本</translation>
    </message>
    <message>
        <source>Store name shown on screen and on receipts</source>
        <translation>显示在屏幕和小票上的门店名称</translation>
    </message>
    <message>
        <source>Terminal id, unique within the store; required outside the sandbox</source>
        <translation>终端编号，在门店内唯一；非沙箱模式下必填</translation>
    </message>
    <message>
        <source>The order database (SQLite) file</source>
        <translation>订单数据库（SQLite）文件</translation>
    </message>
    <message>
        <source>Directory of qpos.log and its rotated copies (created 0700)</source>
        <translation>qpos.log 及其轮转副本所在目录（以 0700 权限创建）</translation>
    </message>
    <message>
        <source>debug, info, warning or critical</source>
        <translation>debug、info、warning 或 critical</translation>
    </message>
    <message>
        <source>Least severe message written to the log</source>
        <translation>写入日志的最低消息级别</translation>
    </message>
    <message>
        <source>whole kilobytes from 64 to 1048576</source>
        <translation>64 到 1048576 之间的整数 KB</translation>
    </message>
    <message>
        <source>Size at which qpos.log is rotated</source>
        <translation>qpos.log 达到此大小时轮转</translation>
    </message>
    <message>
        <source>a whole number from 1 to 100</source>
        <translation>1 到 100 之间的整数</translation>
    </message>
    <message>
        <source>Log files kept, qpos.log included (qpos.log.1 is the newest rotated copy)</source>
        <translation>保留的日志文件数，包括 qpos.log（qpos.log.1 是最新的轮转副本）</translation>
    </message>
    <message>
        <source>system, zh_CN or en</source>
        <translation>system、zh_CN 或 en</translation>
    </message>
    <message>
        <source>Language of the cashier screens; system follows the desktop&apos;s locale</source>
        <translation>收银界面的语言；system 表示跟随桌面系统的语言</translation>
    </message>
    <message>
        <source>Take Alipay payments</source>
        <translation>接受支付宝收款</translation>
    </message>
    <message>
        <source>Alipay OpenAPI gateway address</source>
        <translation>支付宝开放平台网关地址</translation>
    </message>
    <message>
        <source>10 to 32 digits (usually 16)</source>
        <translation>10 到 32 位数字（通常为 16 位）</translation>
    </message>
    <message>
        <source>Alipay application id (APPID); required when enabled</source>
        <translation>支付宝应用 ID（APPID）；启用时必填</translation>
    </message>
    <message>
        <source>File with the application&apos;s RSA private key (PEM or Alipay&apos;s bare base64 PKCS#8); required when enabled</source>
        <translation>应用 RSA 私钥文件（PEM 或支付宝的纯 base64 PKCS#8 格式）；启用时必填</translation>
    </message>
    <message>
        <source>File with Alipay&apos;s public key (PEM or bare base64); required when enabled and cert_mode is false</source>
        <translation>支付宝公钥文件（PEM 或纯 base64 格式）；启用且 cert_mode 为 false 时必填</translation>
    </message>
    <message>
        <source>an http:// or https:// URL, or empty</source>
        <translation>http:// 或 https:// 网址，或留空</translation>
    </message>
    <message>
        <source>Where Alipay posts payment notifications (the store backend); empty: rely on polling</source>
        <translation>支付宝发送支付异步通知的地址（门店后台）；留空则依靠轮询查询</translation>
    </message>
    <message>
        <source>RSA2 (SHA256withRSA) only</source>
        <translation>仅支持 RSA2（SHA256withRSA）</translation>
    </message>
    <message>
        <source>Signature algorithm</source>
        <translation>签名算法</translation>
    </message>
    <message>
        <source>Public-key certificate mode instead of plain public keys</source>
        <translation>使用公钥证书模式，而不是普通公钥模式</translation>
    </message>
    <message>
        <source>Application public key certificate (appCertPublicKey_*.crt); required when cert_mode is true</source>
        <translation>应用公钥证书（appCertPublicKey_*.crt）；cert_mode 为 true 时必填</translation>
    </message>
    <message>
        <source>Alipay public key certificate (alipayCertPublicKey_RSA2.crt); required when cert_mode is true</source>
        <translation>支付宝公钥证书（alipayCertPublicKey_RSA2.crt）；cert_mode 为 true 时必填</translation>
    </message>
    <message>
        <source>Alipay root certificate (alipayRootCert.crt); required when cert_mode is true</source>
        <translation>支付宝根证书（alipayRootCert.crt）；cert_mode 为 true 时必填</translation>
    </message>
    <message>
        <source>Time limit of one request to Alipay</source>
        <translation>单次请求支付宝的超时时间</translation>
    </message>
    <message>
        <source>Take WeChat Pay payments</source>
        <translation>接受微信支付收款</translation>
    </message>
    <message>
        <source>WeChat Pay APIv3 base address</source>
        <translation>微信支付 APIv3 基础地址</translation>
    </message>
    <message>
        <source>6 to 32 digits (usually 10)</source>
        <translation>6 到 32 位数字（通常为 10 位）</translation>
    </message>
    <message>
        <source>Merchant id (mchid); required when enabled</source>
        <translation>商户号（mchid）；启用时必填</translation>
    </message>
    <message>
        <source>4 to 32 letters and digits (usually wx + 16 characters)</source>
        <translation>4 到 32 个字母和数字（通常为 wx 加 16 个字符）</translation>
    </message>
    <message>
        <source>AppID bound to the merchant; required when enabled</source>
        <translation>与商户号绑定的 AppID；启用时必填</translation>
    </message>
    <message>
        <source>File with the merchant API private key (apiclient_key.pem); required when enabled</source>
        <translation>商户 API 私钥文件（apiclient_key.pem）；启用时必填</translation>
    </message>
    <message>
        <source>8 to 64 hexadecimal digits</source>
        <translation>8 到 64 位十六进制数字</translation>
    </message>
    <message>
        <source>Serial number of the merchant API certificate; required when enabled</source>
        <translation>商户 API 证书序列号；启用时必填</translation>
    </message>
    <message>
        <source>File holding the 32-character APIv3 key (decrypts notifications); required when enabled</source>
        <translation>存放 32 位 APIv3 密钥的文件（用于解密通知）；启用时必填</translation>
    </message>
    <message>
        <source>1 to 64 letters, digits and underscores (PUB_KEY_ID_...)</source>
        <translation>1 到 64 个字母、数字和下划线（PUB_KEY_ID_...）</translation>
    </message>
    <message>
        <source>Where WeChat Pay posts payment notifications (the store backend); WeChat requires it, so required when enabled</source>
        <translation>微信支付发送支付通知的地址（门店后台）；微信支付要求提供，因此启用时必填</translation>
    </message>
    <message>
        <source>Time limit of one request to WeChat Pay</source>
        <translation>单次请求微信支付的超时时间</translation>
    </message>
    <message>
        <source>whole seconds from 30 to 900</source>
        <translation>30 到 900 之间的整数秒</translation>
    </message>
    <message>
        <source>How long a payment QR stays valid before the order is closed at the provider</source>
        <translation>收款二维码的有效时长，超时后在支付机构关闭订单</translation>
    </message>
    <message>
        <source>%1 (%2, line %3): %4. Allowed: %5.</source>
        <translation>%1（%2，第 %3 行）：%4。允许的值：%5。</translation>
    </message>
    <message>
        <source>the value (not shown, it is secret)</source>
        <translation>该值（属于机密，不显示）</translation>
    </message>
    <message>
        <source>the value is empty</source>
        <translation>值为空</translation>
    </message>
    <message>
        <source>%1 is %2 characters long</source>
        <translation>%1 长度为 %2 个字符</translation>
    </message>
    <message>
        <source>%1 contains an underscore</source>
        <translation>%1 含有下划线</translation>
    </message>
    <message>
        <source>%1 contains a character other than a letter or digit</source>
        <translation>%1 含有字母和数字以外的字符</translation>
    </message>
    <message>
        <source>%1 does not have the expected form</source>
        <translation>%1 格式不正确</translation>
    </message>
    <message>
        <source>%1 is not a yes/no value</source>
        <translation>%1 不是是/否值</translation>
    </message>
    <message>
        <source>%1 is not a whole number</source>
        <translation>%1 不是整数</translation>
    </message>
    <message>
        <source>%1 is out of range</source>
        <translation>%1 超出范围</translation>
    </message>
    <message>
        <source>%1 is not one of the choices</source>
        <translation>%1 不是可选值之一</translation>
    </message>
    <message>
        <source>%1 is not a complete URL</source>
        <translation>%1 不是完整的网址</translation>
    </message>
    <message>
        <source>%1 uses the scheme &quot;%2&quot;</source>
        <translation>%1 使用了“%2”协议</translation>
    </message>
    <message>
        <source>the URL contains a user name or password (not shown)</source>
        <translation>网址中含有用户名或密码（不显示）</translation>
    </message>
    <message>
        <source>%1 uses plain http to &quot;%2&quot;, which is not a loopback host; payment traffic must be encrypted</source>
        <translation>%1 以明文 http 连接“%2”，而它不是本机回环地址；支付通信必须加密</translation>
    </message>
    <message>
        <source>the value looks like the key itself, not the path of a file (it is not shown here). Put the key in a file readable only by the service user (chmod 600) and give that file&apos;s path</source>
        <translation>该值看起来是密钥本身，而不是文件路径（此处不显示）。请把密钥放入只有服务用户可读的文件（chmod 600），并填写该文件的路径</translation>
    </message>
    <message>
        <source>%1 starts with &apos;~&apos;, which is not expanded; write the full path</source>
        <translation>%1 以“~”开头，但“~”不会被展开；请写完整路径</translation>
    </message>
    <message>
        <source>%1 (not present)</source>
        <translation>%1（不存在）</translation>
    </message>
    <message>
        <source>The configuration file %1 that was given explicitly does not exist.</source>
        <translation>明确指定的配置文件 %1 不存在。</translation>
    </message>
    <message>
        <source> Did you mean %1? Names are case-sensitive.</source>
        <translation>您是否想写 %1？名称区分大小写。</translation>
    </message>
    <message>
        <source>%1 (%2, line %3) is not a known key and is ignored.%4</source>
        <translation>%1（%2，第 %3 行）不是已知的配置项，已忽略。%4</translation>
    </message>
    <message>
        <source>no configuration file was given</source>
        <translation>未指定配置文件</translation>
    </message>
    <message>
        <source>%1 is required %2 but is not set. Files searched: %3. Allowed: %4.</source>
        <translation>%2必须设置 %1，但未设置。已查找的文件：%3。允许的值：%4。</translation>
    </message>
    <message>
        <source> (%1, line %2)</source>
        <translation>（%1，第 %2 行）</translation>
    </message>
    <message>
        <source>%1%2: the file %3 does not exist. Allowed: %4.</source>
        <translation>%1%2：文件 %3 不存在。允许的值：%4。</translation>
    </message>
    <message>
        <source>%1%2: %3 is not a file this user can read. Allowed: %4.</source>
        <translation>%1%2：%3 不是当前用户可读取的文件。允许的值：%4。</translation>
    </message>
    <message>
        <source>%1%2: %3 can be read by other users; make it readable only by the service user (chmod 600).</source>
        <translation>%1%2：%3 可被其他用户读取；请设为仅服务用户可读（chmod 600）。</translation>
    </message>
    <message>
        <source>outside the sandbox</source>
        <translation>非沙箱模式下</translation>
    </message>
    <message>
        <source>when [alipay] enabled is true</source>
        <translation>[alipay] enabled 为 true 时</translation>
    </message>
    <message>
        <source>when [alipay] cert_mode is true</source>
        <translation>[alipay] cert_mode 为 true 时</translation>
    </message>
    <message>
        <source>when [alipay] enabled is true and cert_mode is false</source>
        <translation>[alipay] enabled 为 true 且 cert_mode 为 false 时</translation>
    </message>
    <message>
        <source>when [wechat] enabled is true</source>
        <translation>[wechat] enabled 为 true 时</translation>
    </message>
    <message>
        <source>Configuration file %1 is a directory, not a file.</source>
        <translation>配置文件 %1 是目录，不是文件。</translation>
    </message>
    <message>
        <source>Configuration file %1 cannot be read: %2. Check that it exists and that the service user may read it.</source>
        <translation>无法读取配置文件 %1：%2。请检查该文件是否存在，以及服务用户是否有读取权限。</translation>
    </message>
    <message>
        <source>Configuration file %1 is %2 bytes long; a configuration file must be smaller than %3 bytes.</source>
        <translation>配置文件 %1 大小为 %2 字节；配置文件必须小于 %3 字节。</translation>
    </message>
    <message>
        <source>Configuration file %1 cannot be read: %2.</source>
        <translation>无法读取配置文件 %1：%2。</translation>
    </message>
    <message>
        <source>Configuration file %1 is not a text file (it contains NUL bytes).</source>
        <translation>配置文件 %1 不是文本文件（含有 NUL 字节）。</translation>
    </message>
    <message>
        <source>%1, line %2: the text is not valid UTF-8. Save the file as UTF-8.</source>
        <translation>%1，第 %2 行：文本不是有效的 UTF-8。请以 UTF-8 编码保存文件。</translation>
    </message>
    <message>
        <source>%1, line %2: &quot;%3&quot; is not a valid section header; write [name] with letters, digits, &apos;_&apos;, &apos;-&apos; or &apos;.&apos;.</source>
        <translation>%1，第 %2 行：“%3”不是有效的节标题；请写成 [name]，只能用字母、数字、“_”、“-”或“.”。</translation>
    </message>
    <message>
        <source>%1, line %2: expected &quot;key = value&quot;, a [section] header or a comment starting with # or ;.</source>
        <translation>%1，第 %2 行：应为“key = value”、[section] 节标题，或以 # 或 ; 开头的注释。</translation>
    </message>
    <message>
        <source>%1, line %2: &quot;%3&quot; is not a valid key name; use letters, digits, &apos;_&apos;, &apos;-&apos; or &apos;.&apos;.</source>
        <translation>%1，第 %2 行：“%3”不是有效的键名；只能用字母、数字、“_”、“-”或“.”。</translation>
    </message>
    <message>
        <source>%1, line %2: key &quot;%3&quot; comes before any [section] header.</source>
        <translation>%1，第 %2 行：键“%3”出现在所有 [section] 节标题之前。</translation>
    </message>
    <message>
        <source>%1, line %2: [%3] %4 is set again (first set on line %5). Keep only one.</source>
        <translation>%1，第 %2 行：[%3] %4 被重复设置（首次设置在第 %5 行）。请只保留一处。</translation>
    </message>
    <message>
        <source>Id of the WeChat Pay public key; required when enabled, unless wechatpay_public_key is a platform certificate</source>
        <translation>微信支付公钥 ID；启用时必填，除非 wechatpay_public_key 是平台证书</translation>
    </message>
    <message>
        <source>alipay and/or wechat, comma-separated, each at most once; every channel listed must be enabled in its own section; empty: every enabled channel, Alipay first</source>
        <translation>alipay 和/或 wechat，用逗号分隔，每个最多出现一次；列出的每个支付渠道都必须在各自的节中启用；留空：所有已启用的支付渠道，支付宝在前</translation>
    </message>
    <message>
        <source>The channels this terminal offers, in order: the first is what Enter charges</source>
        <translation>本终端提供的支付渠道（按顺序）：按 Enter 键时使用第一个</translation>
    </message>
    <message>
        <source>comma-separated prefixes or ranges of prefixes such as 25-30 or 62 (both ends of a range with the same number of digits, 1 to 6), not overlapping the other channel&apos;s; empty: no payment code goes to this channel</source>
        <translation>用逗号分隔的前缀或前缀范围，例如 25-30 或 62（范围两端的位数必须相同，为 1 到 6 位），不得与另一支付渠道的前缀重叠；留空：没有付款码归入此支付渠道</translation>
    </message>
    <message>
        <source>A scanned payment code that starts with one of these is an Alipay code</source>
        <translation>扫描到的付款码以其中任一前缀开头时，即为支付宝付款码</translation>
    </message>
    <message>
        <source>A scanned payment code that starts with one of these is a WeChat Pay code</source>
        <translation>扫描到的付款码以其中任一前缀开头时，即为微信支付付款码</translation>
    </message>
    <message>
        <source>an amount in yuan greater than zero, at most two decimals (e.g. 5000 or 5000.00); empty: no limit</source>
        <translation>以元为单位、大于零的金额，最多两位小数（例如 5000 或 5000.00）；留空：不限额</translation>
    </message>
    <message>
        <source>The most one Alipay payment may be at this terminal (QR or payment code); a larger sale is refused with what to do</source>
        <translation>本终端单笔支付宝收款的最高金额（二维码或付款码）；超出的交易将被拒绝，并提示如何处理</translation>
    </message>
    <message>
        <source>The most one WeChat Pay payment may be at this terminal (QR or payment code); a larger sale is refused with what to do</source>
        <translation>本终端单笔微信支付收款的最高金额（二维码或付款码）；超出的交易将被拒绝，并提示如何处理</translation>
    </message>
    <message>
        <source>in %1, %2</source>
        <translation>在 %1 中，%2</translation>
    </message>
    <message>
        <source>%1 is not a usable amount: %2</source>
        <translation>%1 不是可用的金额：%2</translation>
    </message>
    <message>
        <source>%1 has an empty entry (two commas in a row, or a comma at the start or end)</source>
        <translation>%1 中有空项（连续两个逗号，或开头/结尾有逗号）</translation>
    </message>
    <message>
        <source>in %1, &quot;%2&quot; is not a payment channel</source>
        <translation>在 %1 中，“%2”不是支付渠道</translation>
    </message>
    <message>
        <source>%1 names %2 twice</source>
        <translation>%1 中 %2 出现了两次</translation>
    </message>
    <message>
        <source> (the default)</source>
        <translation>（默认值）</translation>
    </message>
    <message>
        <source>%1%2: &quot;%3&quot; lists %4, but [%4] enabled is not true. Enable it (with its keys) or remove %4 from the list. Allowed: %5.</source>
        <translation>%1%2：“%3”列出了 %4，但 [%4] enabled 不为 true。请启用它（并配置其密钥），或从列表中删除 %4。允许的值：%5。</translation>
    </message>
    <message>
        <source>%1%2 &quot;%3&quot; and %4%5 &quot;%6&quot; overlap: a payment code starting with %7 would belong to both Alipay and WeChat Pay. Allowed: %8.</source>
        <translation>%1%2“%3”与 %4%5“%6”重叠：以 %7 开头的付款码将同时属于支付宝和微信支付。允许的值：%8。</translation>
    </message>
    <message>
        <source>when [wechat] enabled is true and wechatpay_public_key is a public key (not a platform certificate)</source>
        <translation>[wechat] enabled 为 true 且 wechatpay_public_key 为公钥（而非平台证书）时</translation>
    </message>
    <message>
        <source>2088 followed by 12 digits (the PID), or empty</source>
        <translation>2088 加 12 位数字（合作伙伴身份 PID），或留空</translation>
    </message>
    <message>
        <source>The shop&apos;s Alipay account (合作伙伴身份 PID, shown in Alipay&apos;s merchant console); a notification for any other seller is refused. Empty: not checked, and qposctl doctor warns</source>
        <translation>本店的支付宝账号（合作伙伴身份 PID，见支付宝商家平台）；其他卖家的通知一律拒绝。留空：不校验，qposctl doctor 会给出警告</translation>
    </message>
    <message>
        <source>%1%2: WeChat Pay does not accept a notification address with parameters (the part after &apos;?&apos;). Remove them, or give the store backend a path of its own for WeChat Pay. Allowed: %3.</source>
        <translation>%1%2：微信支付不接受带参数（“?”之后的部分）的通知地址。请去掉参数，或为门店后台的微信支付通知单独设一个路径。允许的值：%3。</translation>
    </message>
    <message>
        <source>File with the WeChat Pay public key (pub_key.pem) that verifies responses; required when enabled, unless platform_certificate is set</source>
        <translation>存放用于验证应答的微信支付公钥（pub_key.pem）的文件；启用时必填，除非设置了 platform_certificate</translation>
    </message>
    <message>
        <source>File with the WeChat Pay platform certificate(s), PEM, one or more: answers and notifications naming their serial are verified with them. Set it beside wechatpay_public_key while the merchant moves from platform certificates to the public key</source>
        <translation>存放微信支付平台证书（PEM，一个或多个）的文件：注明其序列号的应答和通知用它们验签。商户从平台证书切换到微信支付公钥期间，与 wechatpay_public_key 一起设置</translation>
    </message>
    <message>
        <source>when [wechat] enabled is true and no platform_certificate is set</source>
        <translation>当 [wechat] enabled 为 true 且未设置 platform_certificate 时</translation>
    </message>
    <message>
        <source>%1 holds no certificate (-----BEGIN CERTIFICATE-----). Download the platform certificate again, or leave the key out and use wechatpay_public_key.</source>
        <translation>%1 中没有证书（-----BEGIN CERTIFICATE-----）。请重新下载平台证书，或去掉此项并使用 wechatpay_public_key。</translation>
    </message>
    <message>
        <source>Extra CA certificates (PEM) trusted for the payment providers&apos; HTTPS besides the system&apos;s; only for the sandbox&apos;s own CA (sandbox-ca.pem)</source>
        <translation>除系统证书外，支付机构 HTTPS 额外信任的 CA 证书（PEM）；仅用于沙箱自己的 CA（sandbox-ca.pem）</translation>
    </message>
    <message>
        <source>whole seconds from 1 to 600</source>
        <translation>1 到 600 的整数秒</translation>
    </message>
    <message>
        <source>How long an idle connection to a payment provider stays open for the next request; keep it below the provider&apos;s own limit (WeChat Pay: 8 s)</source>
        <translation>与支付机构的空闲连接保持多久以供下次请求使用；应低于支付机构自身的限制（微信支付：8 秒）</translation>
    </message>
    <message>
        <source>The store backend (qpos-server) this till uploads its orders to and takes pushed payment results from; empty: not linked. Written by qposctl enroll or the settings dialog</source>
        <translation>本收银台上传订单、接收推送支付结果的门店服务器（qpos-server）；为空：未接入。由 qposctl enroll 或设置对话框写入</translation>
    </message>
    <message>
        <source>File with the terminal&apos;s key id, secret and the server&apos;s pinned certificate, written at enrollment; must be readable only by the till&apos;s user (0600)</source>
        <translation>保存终端密钥编号、密钥和服务器固定证书的文件，注册时写入；只能由收银台的用户读取（0600）</translation>
    </message>
    <message>
        <source>Print receipts and reports on an ESC/POS thermal printer and open the cash drawer through it</source>
        <translation>在 ESC/POS 热敏打印机上打印小票和报表，并通过它打开钱箱</translation>
    </message>
    <message>
        <source>tcp://host:port for a network printer (the port is 9100 when left out), or the absolute path of the printer&apos;s device file such as /dev/usb/lp0; required when enabled</source>
        <translation>网络打印机写 tcp://主机:端口（省略端口时为 9100），或写打印机设备文件的绝对路径，如 /dev/usb/lp0；启用时必填</translation>
    </message>
    <message>
        <source>Where the receipt printer is</source>
        <translation>小票打印机的位置</translation>
    </message>
    <message>
        <source>58 or 80 (millimetres)</source>
        <translation>58 或 80（毫米）</translation>
    </message>
    <message>
        <source>Width of the paper roll: 58 mm prints 32 columns, 80 mm 48</source>
        <translation>纸卷宽度：58 毫米每行 32 列，80 毫米每行 48 列</translation>
    </message>
    <message>
        <source>Print a receipt when a sale is paid at the till (a reprint from the order detail is always possible)</source>
        <translation>收银台收款成功后打印小票（随时可在订单详情中重打）</translation>
    </message>
    <message>
        <source>2 or 5</source>
        <translation>2 或 5</translation>
    </message>
    <message>
        <source>The pin of the printer&apos;s drawer kick-out connector the cash drawer is wired to (most drawers: 2)</source>
        <translation>钱箱所接的打印机钱箱接口针脚（大多数钱箱为 2）</translation>
    </message>
    <message>
        <source>when [printer] enabled is true</source>
        <translation>在 [printer] enabled 为 true 时</translation>
    </message>
    <message>
        <source>Whether the till takes cash (F4): the cashier counts a float in at login and the drawer at the end of the shift; cash refunds need a manager&apos;s PIN</source>
        <translation>收银台是否收现金（F4）：收银员登录时清点备用金，交班时清点钱箱；现金退款需要店长 PIN</translation>
    </message>
    <message>
        <source>in %1, cash is not a payment provider: remove it here and set [checkout] cash = true instead</source>
        <translation>%1 中的 cash 不是支付机构：请从这里删除，改为设置 [checkout] cash = true</translation>
    </message>
    <message>
        <source>%1: the port of %2 is not between 1 and 65535 (network receipt printers listen on 9100). Allowed: %3.</source>
        <translation>%1：%2 的端口不在 1 到 65535 之间（网络小票打印机监听 9100 端口）。允许的值：%3。</translation>
    </message>
</context>
<context>
    <name>qpos::ConfigWriter</name>
    <message>
        <source>&quot;[%1] %2&quot; is not a valid setting name.</source>
        <translation>“[%1] %2”不是有效的设置项名称。</translation>
    </message>
    <message>
        <source>The value of [%1] %2 contains a line break, which a configuration file cannot hold.</source>
        <translation>[%1] %2 的值含有换行符，配置文件无法保存。</translation>
    </message>
    <message>
        <source>%1 is not a file; settings cannot be saved there.</source>
        <translation>%1 不是文件，无法在此保存设置。</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2.</source>
        <translation>无法读取 %1：%2。</translation>
    </message>
    <message>
        <source>%1 is too large to be a configuration file.</source>
        <translation>%1 太大，不可能是配置文件。</translation>
    </message>
    <message>
        <source>The folder %1 cannot be created.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <source>A file cannot be written in %1: %2.</source>
        <translation>无法在 %1 中写入文件：%2。</translation>
    </message>
    <message>
        <source>Writing %1 failed: %2.</source>
        <translation>写入 %1 失败：%2。</translation>
    </message>
    <message>
        <source>%1 cannot be replaced: %2.</source>
        <translation>无法替换 %1：%2。</translation>
    </message>
</context>
<context>
    <name>qpos::Database</name>
    <message>
        <source>Cannot create the directory %1 for the order database; check that the user running qpos may write there, or set [database] path.</source>
        <translation>无法为订单数据库创建目录 %1；请检查运行 qpos 的用户是否有写入权限，或设置 [database] path。</translation>
    </message>
    <message>
        <source>Cannot open the order database %1: %2. Check the file&apos;s permissions and free disk space.</source>
        <translation>无法打开订单数据库 %1：%2。请检查文件权限和磁盘剩余空间。</translation>
    </message>
    <message>
        <source>Cannot read the order database %1: %2. The file may be damaged or not an order database: keep it (it may hold orders), move it aside and contact support.</source>
        <translation>无法读取订单数据库 %1：%2。该文件可能已损坏或不是订单数据库：请保留该文件（其中可能有订单），将其移到别处并联系技术支持。</translation>
    </message>
    <message>
        <source>The order database %1 cannot use write-ahead logging (is it on a network file system?). Move it to a local disk.</source>
        <translation>订单数据库 %1 无法使用预写日志（WAL）（是否位于网络文件系统上？）。请将其移到本地磁盘。</translation>
    </message>
    <message>
        <source>Database error while %1: %2</source>
        <translation>数据库出错（%1）：%2</translation>
    </message>
</context>
<context>
    <name>qpos::DatabaseBackup</name>
    <message>
        <source>Could not back up the order database %1 before upgrading it (%2). Nothing was changed. Free disk space in its folder (or make it writable) and start qpos again.</source>
        <translation>升级订单数据库 %1 之前无法备份它（%2）。未做任何更改。请释放其所在文件夹的磁盘空间（或使其可写），然后重新启动 qpos。</translation>
    </message>
</context>
<context>
    <name>qpos::DatabaseLock</name>
    <message>
        <source>The order database %1 is in use by another qpos till or qposctl (process %2 on %3). Only one may work on it at a time: close that program first, or give this one its own [database] path. Listing orders with qposctl works at any time.</source>
        <translation>订单数据库 %1 正被另一个 qpos 收银台或 qposctl 使用（%3 上的进程 %2）。同一时间只能有一个程序使用它：请先关闭那个程序，或在 [database] path 中为本程序指定单独的数据库。用 qposctl 查看订单不受影响，随时可用。</translation>
    </message>
    <message>
        <source>Could not create the lock file %1 beside the order database. Check that the directory exists and that this user may write to it.</source>
        <translation>无法在订单数据库旁创建锁文件 %1。请检查该目录是否存在，以及当前用户是否有写入权限。</translation>
    </message>
</context>
<context>
    <name>qpos::FileLog</name>
    <message>
        <source>A log file is already being written (%1); close it first.</source>
        <translation>已有日志文件正在写入（%1）；请先关闭它。</translation>
    </message>
    <message>
        <source>No log directory is configured ([log] dir).</source>
        <translation>未配置日志目录（[log] dir）。</translation>
    </message>
    <message>
        <source>The log directory %1 cannot be created; check [log] dir and the permissions of its parent directory.</source>
        <translation>无法创建日志目录 %1；请检查 [log] dir 及其上级目录的权限。</translation>
    </message>
    <message>
        <source>The log file %1 cannot be opened for writing: %2.</source>
        <translation>无法以写入方式打开日志文件 %1：%2。</translation>
    </message>
    <message>
        <source>A log file is already being written; close it first.</source>
        <translation>已有日志文件正在写入；请先关闭它。</translation>
    </message>
</context>
<context>
    <name>qpos::KeyImport</name>
    <message>
        <source>a private key</source>
        <translation>私钥</translation>
    </message>
    <message>
        <source>a public key</source>
        <translation>公钥</translation>
    </message>
    <message>
        <source>a certificate</source>
        <translation>证书</translation>
    </message>
    <message>
        <source>an APIv3 key</source>
        <translation>APIv3 密钥</translation>
    </message>
    <message>
        <source>RSA private key, %1 bits</source>
        <translation>RSA 私钥，%1 位</translation>
    </message>
    <message>
        <source>This file holds a public key, but the private key is needed here: the key you generated for the application (kept secret, never uploaded).</source>
        <translation>此文件中是公钥，但此处需要私钥：即您为应用生成的密钥（须保密，从不上传）。</translation>
    </message>
    <message>
        <source>This file is not a usable private key: %1</source>
        <translation>此文件不是可用的私钥：%1</translation>
    </message>
    <message>
        <source>This file holds a private key, but the provider&apos;s public key is needed here. A private key must never be given where a public key is asked for.</source>
        <translation>此文件中是私钥，但此处需要支付机构的公钥。需要公钥的地方绝不能提供私钥。</translation>
    </message>
    <message>
        <source>This file is not a usable public key: %1</source>
        <translation>此文件不是可用的公钥：%1</translation>
    </message>
    <message>
        <source>RSA public key, %1 bits</source>
        <translation>RSA 公钥，%1 位</translation>
    </message>
    <message>
        <source>This file holds a private key, but a certificate is needed here. A private key must never be given where a certificate is asked for.</source>
        <translation>此文件中是私钥，但此处需要证书。需要证书的地方绝不能提供私钥。</translation>
    </message>
    <message>
        <source>This file is not a usable certificate: %1</source>
        <translation>此文件不是可用的证书：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n certificate(s); the first one is valid until %1</source>
        <translation>
            <numerusform>%n 个证书；第一个证书有效期至 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>APIv3 key, 32 characters</source>
        <translation>APIv3 密钥，32 个字符</translation>
    </message>
    <message>
        <source>This file holds a PEM key or certificate, but the APIv3 key is needed here: the 32 letters and digits set in the WeChat Pay merchant platform.</source>
        <translation>此文件中是 PEM 密钥或证书，但此处需要 APIv3 密钥：即在微信支付商户平台设置的 32 位字母和数字。</translation>
    </message>
    <message>
        <source>This file does not hold an APIv3 key: it must contain exactly 32 letters and digits, as set in the WeChat Pay merchant platform.</source>
        <translation>此文件中不是 APIv3 密钥：它必须恰好包含 32 位字母和数字，与微信支付商户平台中设置的一致。</translation>
    </message>
    <message>
        <source>The file %1 does not exist.</source>
        <translation>文件 %1 不存在。</translation>
    </message>
    <message>
        <source>%1 is not a file. Choose the key file itself.</source>
        <translation>%1 不是文件。请选择密钥文件本身。</translation>
    </message>
    <message>
        <source>%1 is too large to be a key or certificate file.</source>
        <translation>%1 太大，不可能是密钥或证书文件。</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2.</source>
        <translation>无法读取 %1：%2。</translation>
    </message>
    <message>
        <source>The file %1 is empty.</source>
        <translation>文件 %1 为空。</translation>
    </message>
    <message>
        <source>The key cannot be stored in %1: %2.</source>
        <translation>无法将密钥保存到 %1：%2。</translation>
    </message>
    <message>
        <source>the folder cannot be created</source>
        <translation>无法创建文件夹</translation>
    </message>
    <message>
        <source>its permissions cannot be set to owner-only (0700)</source>
        <translation>无法将其权限设为仅所有者可访问（0700）</translation>
    </message>
    <message>
        <source>The file is empty; %1 is needed here.</source>
        <translation>文件为空；此处需要%1。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>qpos::OrderSchema</name>
    <message>
        <source>reading the schema version</source>
        <translation>读取数据库结构版本</translation>
    </message>
    <message>
        <source>The order database %1 was written by a newer qpos (schema %2; this program knows up to %3). Install the newer qpos again; do not delete the file, it holds the orders.</source>
        <translation>订单数据库 %1 由较新版本的 qpos 写入（结构版本 %2；本程序最高支持 %3）。请重新安装较新版本的 qpos；不要删除该文件，其中保存着订单。</translation>
    </message>
    <message>
        <source>Upgrading the order database to schema %1 failed: %2</source>
        <translation>将订单数据库升级到结构版本 %1 失败：%2</translation>
    </message>
    <message>
        <source>checking the database&apos;s references</source>
        <translation>检查数据库的引用</translation>
    </message>
    <message>
        <source>The order database has a row of %1 that refers to a missing row; it was not upgraded. Keep the file and call IT.</source>
        <translation>订单数据库中 %1 表有一行引用了不存在的行，数据库未升级。请保留该文件并联系 IT。</translation>
    </message>
</context>
<context>
    <name>qpos::OrderState</name>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Waiting for payment</source>
        <translation>待支付</translation>
    </message>
    <message>
        <source>Checking with provider</source>
        <translation>状态未知</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已支付</translation>
    </message>
    <message>
        <source>Partially refunded</source>
        <translation>部分退款</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>支付失败</translation>
    </message>
</context>
<context>
    <name>qpos::OrderStateMachine</name>
    <message>
        <source>Illegal order transition from %1 to %2 (source: %3); the change was not applied.</source>
        <translation>不允许订单状态从%1变为%2（来源：%3）；未应用该变更。</translation>
    </message>
</context>
<context>
    <name>qpos::OrderStore</name>
    <message>
        <source>Store id &apos;%1&apos; or terminal id &apos;%2&apos; is not valid: use 1-16 letters or digits, set in [store] id and [terminal] id.</source>
        <translation>门店编号“%1”或终端编号“%2”无效：请在 [store] id 和 [terminal] id 中设置 1-16 个字母或数字。</translation>
    </message>
    <message>
        <source>preparing statements</source>
        <translation>准备 SQL 语句</translation>
    </message>
    <message>
        <source>The order database is not open.</source>
        <translation>订单数据库未打开。</translation>
    </message>
    <message>
        <source>The amount must be between 0.01 and %1.</source>
        <translation>金额必须在 0.01 到 %1 之间。</translation>
    </message>
    <message>
        <source>The order description must be 1-127 characters long.</source>
        <translation>订单标题长度必须为 1-127 个字符。</translation>
    </message>
    <message>
        <source>Item &apos;%1&apos; needs a name, a quantity of at least 1 and a price of at most %2.</source>
        <translation>商品“%1”需要有名称，数量至少为 1，单价最多为 %2。</translation>
    </message>
    <message>
        <source>The items add up to %1 but the amount is %2.</source>
        <translation>商品合计为 %1，但订单金额为 %2。</translation>
    </message>
    <message>
        <source>numbering the order</source>
        <translation>生成订单号</translation>
    </message>
    <message>
        <source>saving the order</source>
        <translation>保存订单</translation>
    </message>
    <message>
        <source>saving the order&apos;s items</source>
        <translation>保存订单商品</translation>
    </message>
    <message>
        <source>recording the order&apos;s creation</source>
        <translation>记录订单创建</translation>
    </message>
    <message>
        <source>queueing the order for upload</source>
        <translation>将订单加入上传队列</translation>
    </message>
    <message>
        <source>reading the order</source>
        <translation>读取订单</translation>
    </message>
    <message>
        <source>Order %1: a partial refund must leave between 0.01 and %2 refunded; the change was not applied.</source>
        <translation>订单 %1：部分退款后的累计退款金额必须在 0.01 到 %2 之间；未应用该变更。</translation>
    </message>
    <message>
        <source>updating the order</source>
        <translation>更新订单</translation>
    </message>
    <message>
        <source>recording the order&apos;s change</source>
        <translation>记录订单变更</translation>
    </message>
    <message>
        <source>queueing the change for upload</source>
        <translation>将变更加入上传队列</translation>
    </message>
    <message>
        <source>updating the daily totals</source>
        <translation>更新每日汇总</translation>
    </message>
    <message>
        <source>reading the order&apos;s items</source>
        <translation>读取订单商品</translation>
    </message>
    <message>
        <source>reading the order&apos;s history</source>
        <translation>读取订单历史</translation>
    </message>
    <message>
        <source>listing orders</source>
        <translation>列出订单</translation>
    </message>
    <message>
        <source>reading daily totals</source>
        <translation>读取每日汇总</translation>
    </message>
    <message>
        <source>finding unfinished orders</source>
        <translation>查找未完成的订单</translation>
    </message>
    <message>
        <source>reading the upload queue</source>
        <translation>读取上传队列</translation>
    </message>
    <message>
        <source>marking uploaded changes</source>
        <translation>标记已上传的变更</translation>
    </message>
    <message>
        <source>rescheduling uploads</source>
        <translation>重新安排上传</translation>
    </message>
    <message>
        <source>No order %1 on this terminal. Check the order number.</source>
        <translation>本终端没有订单 %1。请核对订单号。</translation>
    </message>
    <message>
        <source>Order %1 is %2: only a paid order can be refunded.</source>
        <translation>订单 %1 的状态为“%2”：只有已支付的订单才能退款。</translation>
    </message>
    <message>
        <source>At most %1 can be refunded on order %2 (%3 is still being confirmed from an earlier refund).</source>
        <translation>订单 %2 最多还可退款 %1（之前一笔退款中仍有 %3 在确认中）。</translation>
    </message>
    <message>
        <source>At most %1 can be refunded on order %2.</source>
        <translation>订单 %2 最多还可退款 %1。</translation>
    </message>
    <message>
        <source>saving the refund</source>
        <translation>保存退款</translation>
    </message>
    <message>
        <source>settling the refund</source>
        <translation>确认退款结果</translation>
    </message>
    <message>
        <source>reading refunds</source>
        <translation>读取退款记录</translation>
    </message>
    <message>
        <source>At most %1 can be refunded on order %2: %3 of an earlier refund is held by the payment provider (for example, the customer&apos;s card was closed). A manager must handle it on the provider&apos;s merchant platform; do not refund it again here.</source>
        <translation>订单 %2 最多还可退款 %1：之前一笔退款中有 %3 被支付机构暂挂（例如顾客银行卡已注销）。请经理在支付机构的商户平台处理，不要在此再次退款。</translation>
    </message>
    <message>
        <source>reading the refund</source>
        <translation>读取退款</translation>
    </message>
    <message>
        <source>A cash sale is recorded paid at once; take it with the till&apos;s cash key (F4).</source>
        <translation>现金销售在记录时即为已支付，请用收银台的现金键（F4）收款。</translation>
    </message>
    <message>
        <source>Only a cash sale is recorded paid at once; a payment provider&apos;s sale waits for its answer.</source>
        <translation>只有现金销售在记录时即为已支付；支付机构的交易须等待其答复。</translation>
    </message>
    <message>
        <source>A cash sale needs the cashier who took the money. Log in and take it again.</source>
        <translation>现金销售需要记录收款的收银员。请登录后重新收款。</translation>
    </message>
    <message>
        <source>The customer gave %1, less than the %2 to pay. Take the full amount, or let them pay another way.</source>
        <translation>顾客付了 %1，少于应付的 %2。请收足金额，或让顾客改用其他方式支付。</translation>
    </message>
    <message>
        <source>Order %1 was paid in cash: only the till records its changes; the change from %2 was not applied.</source>
        <translation>订单 %1 以现金支付：只有收银台能记录其变更；来自 %2 的变更未应用。</translation>
    </message>
    <message>
        <source>Order %1 was not paid in cash: a cash record cannot change it; the change was not applied.</source>
        <translation>订单 %1 不是现金支付：现金记录不能更改它；变更未应用。</translation>
    </message>
    <message>
        <source>reading the staff</source>
        <translation>读取员工</translation>
    </message>
    <message>
        <source>A cash refund needs a manager&apos;s approval: ask a manager to enter their PIN.</source>
        <translation>现金退款需要店长批准：请店长输入 PIN。</translation>
    </message>
    <message>
        <source>Order %1 was paid in cash: give the money back from the drawer with a manager&apos;s approval at the till.</source>
        <translation>订单 %1 以现金支付：请经店长批准后在收银台从钱箱退还现金。</translation>
    </message>
    <message>
        <source>Order %1 was paid through a payment provider: its refund goes through the provider.</source>
        <translation>订单 %1 通过支付机构支付：退款须经该支付机构办理。</translation>
    </message>
    <message>
        <source>The provider&apos;s refund %1 of order %2 names no amount; it was not recorded. Check it on the provider&apos;s merchant platform.</source>
        <translation>支付机构的退款 %1（订单 %2）没有金额，未记录。请在支付机构的商户平台上核对。</translation>
    </message>
    <message>
        <source>Order %1 was paid in cash: no provider&apos;s refund belongs to it.</source>
        <translation>订单 %1 为现金支付：不可能有支付机构的退款。</translation>
    </message>
    <message>
        <source>Order %1 is %2 here: the provider&apos;s refund %3 is recorded once its payment is.</source>
        <translation>订单 %1 在本机为%2：支付机构的退款 %3 须在其付款记录后才能记录。</translation>
    </message>
    <message>
        <source>The provider&apos;s refund %1 of order %2 has a number another order&apos;s refund holds here; it was not recorded. Note it by hand.</source>
        <translation>支付机构的退款 %1（订单 %2）的编号已被本机另一订单的退款占用，未记录。请手工登记。</translation>
    </message>
    <message>
        <source>Refund %1 of order %2 is recorded here as failed, but the provider says it was made. Check it on the provider&apos;s merchant platform.</source>
        <translation>订单 %2 的退款 %1 在本机记为失败，但支付机构表示已退款。请在支付机构的商户平台上核对。</translation>
    </message>
</context>
<context>
    <name>qpos::ReportLedger</name>
    <message>
        <source>preparing the reports</source>
        <translation>准备报表</translation>
    </message>
    <message>
        <source>reading the last Z report</source>
        <translation>读取上一份 Z 报表</translation>
    </message>
    <message>
        <source>reading the open shift</source>
        <translation>读取当前班次</translation>
    </message>
    <message>
        <source>updating the report totals</source>
        <translation>更新报表汇总</translation>
    </message>
    <message>
        <source>listing the refund</source>
        <translation>记录退款明细</translation>
    </message>
</context>
<context>
    <name>qpos::SqliteStatement</name>
    <message>
        <source>the database is not an open SQLite database</source>
        <translation>数据库不是已打开的 SQLite 数据库</translation>
    </message>
</context>
<context>
    <name>qpos::StaffRole</name>
    <message>
        <source>Manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
</context>
<context>
    <name>qpos::StaffStore</name>
    <message>
        <source>There is no staff member &apos;%1&apos;. Ask the manager or IT to add you (qposctl staff add).</source>
        <translation>没有员工“%1”。请店长或 IT 人员添加您（qposctl staff add）。</translation>
    </message>
    <message>
        <source>Wrong PIN. Try again; after 5 wrong PINs the till waits a minute.</source>
        <translation>密码错误，请重试；连续输错 5 次后需等待一分钟。</translation>
    </message>
    <message>
        <source>Staff id &apos;%1&apos; is not valid: use 1-16 letters or digits.</source>
        <translation>员工编号“%1”无效：请使用 1-16 个字母或数字。</translation>
    </message>
    <message>
        <source>The staff member&apos;s name must be 1-64 characters long.</source>
        <translation>员工姓名长度必须为 1-64 个字符。</translation>
    </message>
    <message>
        <source>A PIN is 4 to 12 digits.</source>
        <translation>密码为 4 到 12 位数字。</translation>
    </message>
    <message>
        <source>A new staff member needs a PIN of 4 to 12 digits.</source>
        <translation>新员工需要设置 4 到 12 位数字的密码。</translation>
    </message>
    <message>
        <source>saving the staff member</source>
        <translation>保存员工</translation>
    </message>
    <message>
        <source>removing the staff member</source>
        <translation>删除员工</translation>
    </message>
    <message>
        <source>listing staff</source>
        <translation>列出员工</translation>
    </message>
    <message>
        <source>reading the staff member</source>
        <translation>读取员工</translation>
    </message>
    <message>
        <source>Too many wrong PINs. Wait %1 seconds and try again.</source>
        <translation>密码错误次数过多。请等待 %1 秒后重试。</translation>
    </message>
    <message>
        <source>%1 is not a manager. Ask a manager to enter their PIN.</source>
        <translation>%1 不是店长。请店长输入店长密码。</translation>
    </message>
    <message>
        <source>reading managers</source>
        <translation>读取店长列表</translation>
    </message>
    <message>
        <source>No manager is set up on this till. Ask IT to add one (qposctl staff add --role manager).</source>
        <translation>本收银台未设置店长。请 IT 人员添加（qposctl staff add --role manager）。</translation>
    </message>
    <message>
        <source>That is not a manager&apos;s PIN. Ask a manager to enter theirs.</source>
        <translation>这不是店长密码。请店长输入店长密码。</translation>
    </message>
    <message>
        <source>reading wrong-PIN counts</source>
        <translation>读取 PIN 错误次数</translation>
    </message>
    <message>
        <source>recording a wrong PIN</source>
        <translation>记录一次 PIN 错误</translation>
    </message>
    <message>
        <source>clearing wrong-PIN counts</source>
        <translation>清除 PIN 错误次数</translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayAnswers</name>
    <message>
        <source>Alipay&apos;s answer is about order %1, not %2; it was not used. The till will ask Alipay again.</source>
        <translation>支付宝的应答针对的是订单 %1，而不是 %2；已忽略该应答。收银台将再次查询支付宝。</translation>
    </message>
    <message>
        <source>Alipay&apos;s signed answer could not be understood (%1). Nothing was assumed; the till will ask Alipay again.</source>
        <translation>无法解析支付宝的签名应答（%1）。未做任何假定；收银台将再次查询支付宝。</translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayBill</name>
    <message>
        <source>Alipay&apos;s bill %1 cannot be read: %2. Download the bill again; if this stays, keep the file for support.</source>
        <translation>无法读取支付宝账单 %1：%2。请重新下载账单；如问题仍然存在，请保留该文件以便技术支持排查。</translation>
    </message>
    <message>
        <source>line %1 follows the closing lines of the table</source>
        <translation>第 %1 行位于表格结束行之后</translation>
    </message>
    <message>
        <source>it ends at line %1 without the table&apos;s closing line (&quot;…列表结束…&quot;): the file is truncated</source>
        <translation>文件在第 %1 行结束，但缺少表格结束行（“…列表结束…”）：文件不完整</translation>
    </message>
    <message>
        <source>it has no column header line</source>
        <translation>缺少列标题行</translation>
    </message>
    <message>
        <source>line %1 has %2 columns, the header has %3</source>
        <translation>第 %1 行有 %2 列，而标题行有 %3 列</translation>
    </message>
    <message>
        <source>line %1: %2 is empty</source>
        <translation>第 %1 行：%2 为空</translation>
    </message>
    <message>
        <source>line %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
    <message>
        <source>line %1: %2 &quot;%3&quot; is not a time (yyyy-MM-dd HH:mm:ss)</source>
        <translation>第 %1 行：%2“%3”不是时间（yyyy-MM-dd HH:mm:ss）</translation>
    </message>
    <message>
        <source>the column %1 is missing</source>
        <translation>缺少列 %1</translation>
    </message>
    <message>
        <source>line %1: 支付宝交易号 is empty</source>
        <translation>第 %1 行：支付宝交易号为空</translation>
    </message>
    <message>
        <source>Alipay&apos;s bill archive has no detail file (…_业务明细.csv). Download the bill again.</source>
        <translation>支付宝账单压缩包中没有明细文件（…_业务明细.csv）。请重新下载账单。</translation>
    </message>
    <message>
        <source>it has no 合计 (total) line</source>
        <translation>缺少“合计”行</translation>
    </message>
    <message>
        <source>line %1 gives %2 = %3, but the detail adds up to %4: lines are missing or damaged</source>
        <translation>第 %1 行给出 %2 = %3，但明细合计为 %4：有行缺失或损坏</translation>
    </message>
    <message>
        <source>line %1: %2 &quot;%3&quot; is not a count</source>
        <translation>第 %1 行：%2“%3”不是笔数</translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayCertificates</name>
    <message>
        <source>The certificate Alipay sent was not accepted: %1.</source>
        <translation>支付宝发来的证书未被接受：%1。</translation>
    </message>
    <message>
        <source>Certificate mode needs the Alipay and Alipay root certificates. Check [alipay] alipay_cert and alipay_root_cert.</source>
        <translation>证书模式需要支付宝公钥证书和支付宝根证书。请检查 [alipay] alipay_cert 和 alipay_root_cert。</translation>
    </message>
    <message>
        <source>the answer holds no certificate</source>
        <translation>应答中没有证书</translation>
    </message>
    <message>
        <source>the certificate is not valid base64</source>
        <translation>证书不是有效的 base64</translation>
    </message>
    <message>
        <source>it is not the certificate that was asked for (SN %1 instead of %2)</source>
        <translation>不是所请求的证书（SN 为 %1，而不是 %2）</translation>
    </message>
    <message>
        <source>Alipay&apos;s renewed certificate is used but could not be saved in %1 (%2); it will be downloaded again after a restart. Let the till&apos;s user write to that folder.</source>
        <translation>已使用支付宝更新后的证书，但无法保存到 %1（%2）；重启后将再次下载。请让收银台的运行用户可以写入该目录。</translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayClient</name>
    <message>
        <source>The request was not sent to Alipay: %1.</source>
        <translation>请求未发送到支付宝：%1。</translation>
    </message>
    <message>
        <source>the amount must be between 0.01 and %1 yuan</source>
        <translation>金额必须在 0.01 到 %1 元之间</translation>
    </message>
    <message>
        <source>the order has no number</source>
        <translation>订单没有订单号</translation>
    </message>
    <message>
        <source>the order number or subject is empty</source>
        <translation>订单号或订单标题为空</translation>
    </message>
    <message>
        <source>the order number, subject or payment code is empty</source>
        <translation>订单号、订单标题或付款码为空</translation>
    </message>
    <message>
        <source>the refund has no request number</source>
        <translation>退款没有退款请求号</translation>
    </message>
    <message>
        <source>the bill date is not valid</source>
        <translation>账单日期无效</translation>
    </message>
    <message>
        <source>Alipay is not reachable; payments will be checked again when it is back (next try in about %1 s).</source>
        <translation>无法连接支付宝；恢复连接后将重新查询支付结果（约 %1 秒后重试）。</translation>
    </message>
    <message>
        <source>The outcome is not known yet; the till will ask Alipay again.</source>
        <translation>结果暂未知；收银台将再次查询支付宝。</translation>
    </message>
    <message>
        <source>Alipay did not answer in time.</source>
        <translation>支付宝未及时响应。</translation>
    </message>
    <message>
        <source>Alipay&apos;s answer was too large and was not read.</source>
        <translation>支付宝的应答过大，未读取。</translation>
    </message>
    <message>
        <source>The secure connection to Alipay failed (%1). Check the till&apos;s clock and network.</source>
        <translation>与支付宝的安全连接失败（%1）。请检查收银台的时钟和网络。</translation>
    </message>
    <message>
        <source>The connection to Alipay failed (%1).</source>
        <translation>连接支付宝失败（%1）。</translation>
    </message>
    <message>
        <source>Alipay&apos;s server answered HTTP %1.</source>
        <translation>支付宝服务器返回 HTTP %1。</translation>
    </message>
    <message>
        <source>Alipay gave a bill address (%1) that is neither https nor one of Alipay&apos;s bill hosts; the bill was not downloaded. Ask IT whether Alipay has a new bill host.</source>
        <translation>支付宝给出的账单地址（%1）既不是 https，也不是支付宝的账单主机；未下载账单。请 IT 确认支付宝是否启用了新的账单主机。</translation>
    </message>
    <message>
        <source>Alipay did not give the certificate (code %1 %2).</source>
        <translation>支付宝没有返回证书（代码 %1 %2）。</translation>
    </message>
    <message>
        <source>The till is not in certificate mode.</source>
        <translation>收银台未使用证书模式。</translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayClientSettings</name>
    <message>
        <source>The Alipay gateway address is not a valid URL. Check [alipay] gateway_url.</source>
        <translation>支付宝网关地址不是有效的网址。请检查 [alipay] gateway_url。</translation>
    </message>
    <message>
        <source>The Alipay gateway must be reached over https (plain http only to this machine&apos;s sandbox). Check [alipay] gateway_url.</source>
        <translation>必须通过 https 访问支付宝网关（只有本机沙箱可用明文 http）。请检查 [alipay] gateway_url。</translation>
    </message>
    <message>
        <source>The Alipay app id is missing. Check [alipay] app_id.</source>
        <translation>缺少支付宝应用 ID。请检查 [alipay] app_id。</translation>
    </message>
    <message>
        <source>The Alipay app private key is not loaded. Check [alipay] app_private_key_path.</source>
        <translation>未加载支付宝应用私钥。请检查 [alipay] app_private_key_path。</translation>
    </message>
    <message>
        <source>Alipay&apos;s public key is not loaded. Check [alipay] alipay_public_key_path (or the Alipay certificate in certificate mode).</source>
        <translation>未加载支付宝公钥。请检查 [alipay] alipay_public_key_path（证书模式下请检查支付宝公钥证书）。</translation>
    </message>
    <message>
        <source>Certificate mode needs the app, Alipay and Alipay root certificates. Check [alipay] app_cert_path, alipay_cert_path and alipay_root_cert_path.</source>
        <translation>证书模式需要应用公钥证书、支付宝公钥证书和支付宝根证书。请检查 [alipay] app_cert_path、alipay_cert_path 和 alipay_root_cert_path。</translation>
    </message>
    <message>
        <source>The Alipay request timeout must be positive. Check [alipay] timeout_ms.</source>
        <translation>支付宝请求超时时间必须大于 0。请检查 [alipay] timeout_ms。</translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayCodes</name>
    <message>
        <source>This order is already closed at Alipay. Start a new sale to charge again.</source>
        <translation>该订单在支付宝已关闭。请新建一笔交易重新收款。</translation>
    </message>
    <message>
        <source>The customer&apos;s Alipay balance is not enough. Ask the customer to choose another way to pay in Alipay, or to pay another way.</source>
        <translation>顾客支付宝余额不足。请顾客在支付宝中更换付款方式，或改用其他方式支付。</translation>
    </message>
    <message>
        <source>The customer&apos;s bank card has not enough money. Ask the customer to choose another card in Alipay, or to pay another way.</source>
        <translation>顾客银行卡余额不足。请顾客在支付宝中更换银行卡，或改用其他方式支付。</translation>
    </message>
    <message>
        <source>The customer&apos;s payment code is not valid or has expired. Ask the customer to refresh the payment code, then scan it again.</source>
        <translation>顾客付款码无效或已过期。请顾客刷新付款码后重新扫描。</translation>
    </message>
    <message>
        <source>Alipay has no record of this order.</source>
        <translation>支付宝查无此订单。</translation>
    </message>
    <message>
        <source>Alipay does not accept this amount. Check the amount and try again.</source>
        <translation>支付宝不接受该金额。请核对金额后重试。</translation>
    </message>
    <message>
        <source>Alipay refused the order&apos;s description. Change the item names and try again.</source>
        <translation>支付宝拒绝了订单标题。请修改商品名称后重试。</translation>
    </message>
    <message>
        <source>This order number was already used with other details. Start a new sale.</source>
        <translation>该订单号已被用于其他交易信息。请新建一笔交易。</translation>
    </message>
    <message>
        <source>Another customer has already started paying this order. Start a new sale.</source>
        <translation>另一位顾客已开始支付该订单。请新建一笔交易。</translation>
    </message>
    <message>
        <source>The customer&apos;s Alipay account is the shop&apos;s own account. Ask the customer to pay with another account.</source>
        <translation>顾客的支付宝账户就是本店的收款账户。请顾客换一个账户支付。</translation>
    </message>
    <message>
        <source>The customer&apos;s Alipay account cannot pay at the moment. Ask the customer to pay another way.</source>
        <translation>顾客的支付宝账户暂时无法付款。请顾客改用其他方式支付。</translation>
    </message>
    <message>
        <source>The customer has reached the daily payment limit of Alipay. Ask the customer to pay another way.</source>
        <translation>顾客已达支付宝当日付款限额。请顾客改用其他方式支付。</translation>
    </message>
    <message>
        <source>The customer has reached the monthly payment limit of Alipay. Ask the customer to pay another way.</source>
        <translation>顾客已达支付宝当月付款限额。请顾客改用其他方式支付。</translation>
    </message>
    <message>
        <source>The amount is over the payment limit of this shop or customer. Ask the customer to pay another way.</source>
        <translation>金额超出本店或顾客的支付限额。请顾客改用其他方式支付。</translation>
    </message>
    <message>
        <source>The amount is over the limit for one payment. Ask the customer to pay another way.</source>
        <translation>金额超出单笔支付限额。请顾客改用其他方式支付。</translation>
    </message>
    <message>
        <source>The customer&apos;s Alipay account is not verified enough for this payment. Ask the customer to pay another way.</source>
        <translation>顾客的支付宝账户认证等级不足，无法完成此笔支付。请顾客改用其他方式支付。</translation>
    </message>
    <message>
        <source>The payment failed at Alipay. Ask the customer to try again, or to pay another way.</source>
        <translation>支付宝支付失败。请顾客重试，或改用其他方式支付。</translation>
    </message>
    <message>
        <source>Alipay stopped this payment for safety reasons. Ask the customer to pay another way.</source>
        <translation>支付宝出于安全原因拦截了此笔支付。请顾客改用其他方式支付。</translation>
    </message>
    <message>
        <source>The customer has no usable way to pay in Alipay. Ask the customer to add one, or to pay another way.</source>
        <translation>顾客的支付宝没有可用的付款方式。请顾客添加付款方式，或改用其他方式支付。</translation>
    </message>
    <message>
        <source>The customer has turned off paying by payment code. Ask the customer to turn it on in Alipay, or show the QR code instead.</source>
        <translation>顾客已关闭付款码支付。请顾客在支付宝中开启，或改为扫二维码支付。</translation>
    </message>
    <message>
        <source>Alipay could not ask the customer to confirm on the phone. Ask the customer to scan the QR code instead.</source>
        <translation>支付宝无法请顾客在手机上确认支付。请顾客改为扫二维码支付。</translation>
    </message>
    <message>
        <source>This shop&apos;s Alipay account is restricted. The manager must contact Alipay.</source>
        <translation>本店支付宝账户受限。请店长联系支付宝。</translation>
    </message>
    <message>
        <source>Alipay does not know this store. Ask IT to check [store] id.</source>
        <translation>支付宝无法识别该门店。请 IT 人员检查 [store] id。</translation>
    </message>
    <message>
        <source>This shop&apos;s Alipay contract does not allow this. The manager must check the contract with Alipay.</source>
        <translation>本店支付宝签约的产品不支持此操作。请店长向支付宝核实签约情况。</translation>
    </message>
    <message>
        <source>Alipay refused the request as invalid. Ask IT to check the till&apos;s Alipay settings.</source>
        <translation>支付宝认为请求无效并拒绝。请 IT 人员检查收银台的支付宝设置。</translation>
    </message>
    <message>
        <source>The shop&apos;s Alipay balance is too low for this refund. Top up the balance, then refund again.</source>
        <translation>本店支付宝余额不足以支付此笔退款。请充值后重新退款。</translation>
    </message>
    <message>
        <source>The refund amount does not match the paid amount.</source>
        <translation>退款金额与实付金额不符。</translation>
    </message>
    <message>
        <source>This order is frozen at Alipay and cannot be refunded now. The manager must contact Alipay.</source>
        <translation>该订单在支付宝已被冻结，暂时无法退款。请店长联系支付宝。</translation>
    </message>
    <message>
        <source>This order is finished at Alipay and can no longer be refunded.</source>
        <translation>该订单在支付宝已结束，无法再退款。</translation>
    </message>
    <message>
        <source>The order&apos;s state at Alipay does not allow this. Check the order&apos;s state and try again.</source>
        <translation>该订单在支付宝的状态不允许此操作。请核对订单状态后重试。</translation>
    </message>
    <message>
        <source>This refund was already requested with a different amount. Check the refund and start it again.</source>
        <translation>此退款请求已以不同金额提交过。请核对退款后重新发起。</translation>
    </message>
    <message>
        <source>The refund is more than what can still be refunded on this order.</source>
        <translation>退款金额超过该订单剩余可退金额。</translation>
    </message>
    <message>
        <source>This order cannot be refunded.</source>
        <translation>该订单无法退款。</translation>
    </message>
    <message>
        <source>Alipay has no bill for this date yet. A day&apos;s bill is ready the next day after 10:00; try again later.</source>
        <translation>支付宝尚未生成该日期的账单。账单于次日 10:00 后提供，请稍后再试。</translation>
    </message>
    <message>
        <source>Alipay could not verify the till&apos;s signature. Ask IT to check [alipay] app_private_key against the public key uploaded to Alipay.</source>
        <translation>支付宝无法验证收银台的签名。请 IT 人员核对 [alipay] app_private_key 与上传到支付宝的公钥是否匹配。</translation>
    </message>
    <message>
        <source>Alipay does not know this app. Ask IT to check [alipay] app_id.</source>
        <translation>支付宝无法识别该应用。请 IT 人员检查 [alipay] app_id。</translation>
    </message>
    <message>
        <source>Alipay did not accept the app&apos;s authorisation. Ask IT to check the till&apos;s Alipay settings.</source>
        <translation>支付宝不接受该应用的授权。请 IT 人员检查收银台的支付宝设置。</translation>
    </message>
    <message>
        <source>Alipay refused the request as incomplete. Ask IT to check the till&apos;s Alipay settings.</source>
        <translation>支付宝认为请求缺少参数并拒绝。请 IT 人员检查收银台的支付宝设置。</translation>
    </message>
    <message>
        <source>This shop&apos;s Alipay app is not allowed to do this. The manager must check the app&apos;s permissions with Alipay.</source>
        <translation>本店的支付宝应用无此操作权限。请店长向支付宝核实应用权限。</translation>
    </message>
    <message>
        <source>Alipay refused the request: %1 (%2).</source>
        <translation>支付宝拒绝了请求：%1（%2）。</translation>
    </message>
    <message>
        <source>Alipay is busy and did not say what happened (%1). The till will ask Alipay again.</source>
        <translation>支付宝繁忙，未返回处理结果（%1）。收银台将再次查询。</translation>
    </message>
    <message>
        <source>Alipay asked for the request to be repeated (%1). The till will repeat it.</source>
        <translation>支付宝要求重新发送请求（%1）。收银台将重新发送。</translation>
    </message>
    <message>
        <source>Waiting for the customer to confirm the payment on the phone.</source>
        <translation>等待顾客在手机上确认支付。</translation>
    </message>
    <message>
        <source>Alipay says this order is already paid. The till is checking its state.</source>
        <translation>支付宝返回该订单已支付。收银台正在查询订单状态。</translation>
    </message>
    <message>
        <source>Alipay answered with an unexpected code (%1). The till will ask Alipay again.</source>
        <translation>支付宝返回了未预期的代码（%1）。收银台将再次查询。</translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayNotification</name>
    <message>
        <source>The notification is signed with %1; only RSA2 is accepted. It was refused.</source>
        <translation>该通知使用 %1 签名；只接受 RSA2。已拒绝。</translation>
    </message>
    <message>
        <source>The notification uses the character set %1; only utf-8 is accepted. It was refused.</source>
        <translation>该通知使用字符集 %1；只接受 utf-8。已拒绝。</translation>
    </message>
    <message>
        <source>The notification is for Alipay app %1, not this shop&apos;s app %2. It was refused; check [alipay] app_id and notify_url.</source>
        <translation>该通知属于支付宝应用 %1，而不是本店的应用 %2。已拒绝；请检查 [alipay] app_id 和 notify_url。</translation>
    </message>
    <message>
        <source>The notification has no %1. It was refused.</source>
        <translation>该通知缺少 %1。已拒绝。</translation>
    </message>
    <message>
        <source>The notification&apos;s trade_status %1 is not one Alipay defines. It was refused.</source>
        <translation>该通知的 trade_status %1 不是支付宝定义的值。已拒绝。</translation>
    </message>
    <message>
        <source>The notification&apos;s amount is malformed (%1). It was refused.</source>
        <translation>该通知的金额格式错误（%1）。已拒绝。</translation>
    </message>
    <message>
        <source>The notification&apos;s %1 &quot;%2&quot; is not a time. It was refused.</source>
        <translation>该通知的 %1“%2”不是时间。已拒绝。</translation>
    </message>
    <message>
        <source>The notification names order %1, which this shop does not have as an Alipay order. It was refused.</source>
        <translation>该通知所指的订单 %1 不是本店的支付宝订单。已拒绝。</translation>
    </message>
    <message>
        <source>The notification says order %1 is for %2 yuan, but the order is for %3 yuan. It was refused.</source>
        <translation>该通知称订单 %1 金额为 %2 元，但该订单金额为 %3 元。已拒绝。</translation>
    </message>
    <message>
        <source>The notification is for the Alipay seller %1, not this shop&apos;s account %2. It was refused; check [alipay] seller_id.</source>
        <translation>该通知属于支付宝卖家 %1，而不是本店账号 %2，已拒绝；请检查 [alipay] seller_id。</translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipayResponseReader</name>
    <message>
        <source>Alipay&apos;s answer carries no signature and cannot be trusted (Alipay code %1 %2). %3 The till will ask Alipay again.</source>
        <translation>支付宝的应答没有签名，不可信（支付宝返回码 %1 %2）。%3 收银台将再次查询支付宝。</translation>
    </message>
    <message>
        <source>Alipay&apos;s certificate download was signed under yet another certificate; it was not trusted.</source>
        <translation>支付宝证书下载的应答由另一个未知证书签名，未被信任。</translation>
    </message>
    <message>
        <source>Alipay signed its answer with a certificate the till does not have (Alipay renewed it). The till fetches it from Alipay and checks it against the Alipay root certificate before trusting the answer.</source>
        <translation>支付宝使用收银台没有的证书对应答签名（支付宝已更新证书）。收银台会从支付宝下载该证书，并用支付宝根证书校验后才信任该应答。</translation>
    </message>
</context>
<context>
    <name>qpos::alipay::AlipaySignature</name>
    <message>
        <source>Alipay&apos;s answer could not be read (%1). The payment&apos;s outcome is not known yet; the till will ask Alipay again.</source>
        <translation>无法读取支付宝的应答（%1）。支付结果暂未知；收银台将再次查询支付宝。</translation>
    </message>
    <message>
        <source>The form data is malformed (%1) and was refused.</source>
        <translation>表单数据格式错误（%1），已拒绝。</translation>
    </message>
    <message>
        <source>Alipay&apos;s answer carries no signature and cannot be trusted.</source>
        <translation>支付宝的应答没有签名，不可信。</translation>
    </message>
    <message>
        <source>Alipay&apos;s answer failed signature verification (%1). Check [alipay] alipay_public_key; the answer was not trusted.</source>
        <translation>支付宝应答验签失败（%1）。请检查 [alipay] alipay_public_key；该应答不予采信。</translation>
    </message>
    <message>
        <source>The notification carries no signature and was refused.</source>
        <translation>该通知没有签名，已拒绝。</translation>
    </message>
    <message>
        <source>The notification failed signature verification and was refused (%1).</source>
        <translation>该通知验签失败，已拒绝（%1）。</translation>
    </message>
</context>
<context>
    <name>qpos::alipay::GbkCodec</name>
    <message>
        <source>This system cannot convert GBK text (glibc&apos;s GB18030 converter is missing). Reinstall the libc6 package.</source>
        <translation>本系统无法转换 GBK 文本（缺少 glibc 的 GB18030 转换器）。请重新安装 libc6 软件包。</translation>
    </message>
    <message>
        <source>the text ends in the middle of a character (line %1): the file is truncated</source>
        <translation>文本在字符中间结束（第 %1 行）：文件不完整</translation>
    </message>
    <message>
        <source>line %1, byte %2 is not valid GBK text</source>
        <translation>第 %1 行第 %2 字节不是有效的 GBK 文本</translation>
    </message>
    <message>
        <source>The text has a character GBK cannot hold (byte %1).</source>
        <translation>文本中含有 GBK 无法表示的字符（第 %1 字节）。</translation>
    </message>
</context>
<context>
    <name>qpos::alipay::ZipArchiveReader</name>
    <message>
        <source>The bill archive is damaged (%1). Download the bill again.</source>
        <translation>账单压缩包已损坏（%1）。请重新下载账单。</translation>
    </message>
    <message>
        <source>A file in the bill archive is larger than %1 bytes and was not read.</source>
        <translation>账单压缩包中有文件大于 %1 字节，未读取。</translation>
    </message>
</context>
<context>
    <name>qpos::checkout</name>
    <message>
        <source>The notification&apos;s amount is not the order&apos;s; it was ignored.</source>
        <translation>通知中的金额与订单金额不符，已忽略。</translation>
    </message>
</context>
<context>
    <name>qpos::checkout::CheckoutEngine</name>
    <message>
        <source>%1 is not set up on this till. Choose another way to pay.</source>
        <translation>本收银台未配置%1。请选择其他支付方式。</translation>
    </message>
    <message>
        <source>%1 cannot be reached at the moment (several requests failed in a row). Wait a minute and try again, or choose another way to pay.</source>
        <translation>暂时无法连接%1（连续多次请求失败）。请稍等一分钟再试，或选择其他支付方式。</translation>
    </message>
    <message>
        <source>Waiting for the customer to scan and pay.</source>
        <translation>等待顾客扫码支付。</translation>
    </message>
    <message>
        <source>%1 did not answer (%2). Checking what happened…</source>
        <translation>%1未响应（%2）。正在查询结果…</translation>
    </message>
    <message>
        <source>The customer is confirming the payment on the phone.</source>
        <translation>顾客正在手机上确认支付。</translation>
    </message>
    <message>
        <source>%1 did not answer (%2). Checking whether the customer paid…</source>
        <translation>%1未响应（%2）。正在查询顾客是否已付款…</translation>
    </message>
    <message>
        <source>%1 is not answering (%2). Still checking…</source>
        <translation>%1没有响应（%2）。仍在查询…</translation>
    </message>
    <message>
        <source>Paid just before the QR code expired.</source>
        <translation>二维码过期前顾客已完成支付。</translation>
    </message>
    <message>
        <source>Paid. %1 received.</source>
        <translation>支付成功，已收款 %1 元。</translation>
    </message>
    <message>
        <source>The customer had already paid when the payment was cancelled; the money was refunded to the customer.</source>
        <translation>取消时顾客已经付款，款项已原路退还给顾客。</translation>
    </message>
    <message>
        <source>%1 reports the payment failed. Ask the customer to pay again.</source>
        <translation>%1返回支付失败。请顾客重新支付。</translation>
    </message>
    <message>
        <source>Payment cancelled. Nothing was charged.</source>
        <translation>支付已取消，未扣款。</translation>
    </message>
    <message>
        <source>%1 did not answer in time, so the payment was cancelled there. Nothing was charged: charge again.</source>
        <translation>%1未及时响应，该笔支付已撤销，未扣款。请重新收款。</translation>
    </message>
    <message>
        <source>Nobody paid in time; the payment was closed. Nothing was charged.</source>
        <translation>超时未支付，订单已关闭，未扣款。</translation>
    </message>
    <message>
        <source>The customer did not confirm the payment in time; it was cancelled. Nothing was charged.</source>
        <translation>顾客未及时确认支付，交易已取消，未扣款。</translation>
    </message>
    <message>
        <source>The payment was closed at %1 (the customer cancelled, or it timed out). Nothing was charged.</source>
        <translation>该笔支付已在%1关闭（顾客取消或已超时），未扣款。</translation>
    </message>
    <message>
        <source>The customer scanned the code and is paying…</source>
        <translation>顾客已扫码，正在支付…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Time is up. Closing the payment at %1…</source>
        <translation>已超时，正在%1关闭订单…</translation>
    </message>
    <message>
        <source>Cancelling the payment at %1…</source>
        <translation>正在%1撤销支付…</translation>
    </message>
    <message>
        <source>%1 is not set up on this till, so its payments cannot be refunded here.</source>
        <translation>本收银台未配置%1，无法在此为其订单退款。</translation>
    </message>
    <message>
        <source>A refund needs a manager&apos;s approval.</source>
        <translation>退款需要店长授权。</translation>
    </message>
    <message>
        <source>Refunded %1 to the customer.</source>
        <translation>已向顾客退款 %1 元。</translation>
    </message>
    <message>
        <source>The refund was refused: %1</source>
        <translation>退款被拒绝：%1</translation>
    </message>
    <message>
        <source>The refund could not be confirmed yet (%1). It is kept and will be settled automatically; do not refund again.</source>
        <translation>暂时无法确认退款结果（%1）。该退款已保留，稍后将自动确认，请勿重复退款。</translation>
    </message>
    <message>
        <source>Order %1 (%2) is still open, but %3 is not set up on this till.</source>
        <translation>订单 %1（%2 元）仍未完成，但本收银台未配置%3。</translation>
    </message>
    <message>
        <source>Refund %1 of %2 settled.</source>
        <translation>退款 %1（%2 元）已完成。</translation>
    </message>
    <message>
        <source>Refund %1 of %2 could not be confirmed yet; it will be retried.</source>
        <translation>退款 %1（%2 元）暂时无法确认，稍后将重试。</translation>
    </message>
    <message>
        <source>Order %1 (%2) could not be checked (%3); it will be retried.</source>
        <translation>订单 %1（%2 元）查询失败（%3），稍后将重试。</translation>
    </message>
    <message>
        <source>Order %1 (%2): %3.</source>
        <translation>订单 %1（%2 元）：%3。</translation>
    </message>
    <message>
        <source>Order %1 (%2) is still open at %3; it will be retried.</source>
        <translation>订单 %1（%2 元）在%3仍未完成，稍后将重试。</translation>
    </message>
    <message>
        <source>Order %1 (%2) could not be closed (%3); it will be retried.</source>
        <translation>订单 %1（%2 元）关闭失败（%3），稍后将重试。</translation>
    </message>
    <message>
        <source>Order %1 (%2) could not be cancelled (%3); it will be retried.</source>
        <translation>订单 %1（%2 元）撤销失败（%3），稍后将重试。</translation>
    </message>
    <message>
        <source>%1 accepted the refund and is still processing it. It is kept and will be confirmed automatically; do not refund again.</source>
        <translation>%1已受理退款，仍在处理中。该退款已保留，稍后将自动确认，请勿重复退款。</translation>
    </message>
    <message>
        <source>Refund %1 of %2 is held by %3: the money could not go back to the customer&apos;s account (for example, the card was closed). A manager must handle it on %3&apos;s merchant platform. Do not refund it again; the till keeps checking it.</source>
        <translation>退款 %1（%2 元）被%3暂挂：款项未能退回顾客账户（例如银行卡已注销）。请经理在%3商户平台处理此笔退款。请勿再次退款，收银机会继续查询。</translation>
    </message>
    <message>
        <source>The refund&apos;s order or payment channel is not available.</source>
        <translation>找不到该退款的订单或支付渠道。</translation>
    </message>
    <message>
        <source>%1 answered the refund without confirming that the money moved. The till is checking it and will settle it automatically; do not refund again.</source>
        <translation>%1已应答退款，但未确认资金已退出。收银机正在查询，稍后将自动确认，请勿重复退款。</translation>
    </message>
    <message>
        <source>Refund %1 of %2 failed: %3 closed it and no money went back to the customer. Refund again if the customer is still owed the money.</source>
        <translation>退款 %1（%2 元）失败：%3已关闭该退款，款项未退回顾客。如仍需退款，请重新发起退款。</translation>
    </message>
    <message>
        <source>Refund %1 of %2 was refused: %3</source>
        <translation>退款 %1（%2 元）被拒绝：%3</translation>
    </message>
    <message>
        <source>Refund %1 of %2 failed: no money went back to the customer. Refund again if the customer is still owed the money.</source>
        <translation>退款 %1（%2 元）失败：款项未退回顾客。如仍需退款，请重新发起退款。</translation>
    </message>
    <message>
        <source>The customer had already paid when the payment was cancelled. %1 is refunding the money; the refund is being confirmed and the order shows it once %1 has made it.</source>
        <translation>撤销时顾客已付款。%1正在退款，退款确认中；%1完成退款后订单会显示已退款。</translation>
    </message>
    <message>
        <source>Give %1 yuan back to the customer from the drawer.</source>
        <translation>请从钱箱退还顾客 %1 元。</translation>
    </message>
    <message>
        <source>The cash drawer did not open: %1 Open it with its key.</source>
        <translation>钱箱未能打开：%1 请用钥匙打开。</translation>
    </message>
    <message>
        <source>Order %1 is being paid right now; its checkout settles it.</source>
        <translation>订单 %1 正在支付中，将由其收款流程确定结果。</translation>
    </message>
    <message>
        <source>%1 is not set up on this till, so it cannot be asked about order %2.</source>
        <translation>本收银台未配置%1，无法查询订单 %2。</translation>
    </message>
    <message>
        <source>%1 is not set up on this till, so it cannot be asked about refund %2.</source>
        <translation>本收银台未配置%1，无法查询退款 %2。</translation>
    </message>
</context>
<context>
    <name>qpos::checkout::EngineJanitor</name>
    <message>
        <source>%1: not answered (%2)</source>
        <translation>%1：未应答（%2）</translation>
    </message>
    <message>
        <source>no such trade</source>
        <translation>无此交易</translation>
    </message>
    <message>
        <source>the till has no such order</source>
        <translation>收银台无此订单</translation>
    </message>
    <message>
        <source>order %1 -&gt; %2</source>
        <translation>订单状态 %1 -&gt; %2</translation>
    </message>
    <message>
        <source>order stays %1</source>
        <translation>订单状态仍为 %1</translation>
    </message>
    <message>
        <source>not recorded: %1</source>
        <translation>未记录：%1</translation>
    </message>
    <message>
        <source>refund %1 not recorded here</source>
        <translation>退款 %1 未在本机记录</translation>
    </message>
    <message>
        <source>refund %1 stays %2</source>
        <translation>退款 %1 状态仍为 %2</translation>
    </message>
    <message>
        <source>refund %1 %2 -&gt; %3</source>
        <translation>退款 %1 状态 %2 -&gt; %3</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>未记录</translation>
    </message>
</context>
<context>
    <name>qpos::crypto</name>
    <message>
        <source>The private key is damaged: its numbers do not belong together, so nothing it signs would verify with its public key. Copy the whole key again from the file the key tool made.</source>
        <translation>私钥已损坏：其中的数值互不匹配，用它签名的内容都无法用其公钥验证。请从密钥工具生成的文件中重新完整复制私钥。</translation>
    </message>
    <message>
        <source>The private key</source>
        <translation>私钥</translation>
    </message>
    <message>
        <source>No private key is loaded. Configure the merchant private key first.</source>
        <translation>未加载私钥。请先配置商户私钥。</translation>
    </message>
    <message>
        <source>The private key is protected by a passphrase, which a till cannot type in. Store it unencrypted in a file readable only by the service user, for example: openssl pkey -in encrypted.pem -out key.pem &amp;&amp; chmod 600 key.pem</source>
        <translation>该私钥受密码保护，收银台无法输入密码。请将其以不加密的形式保存在只有服务用户可读的文件中，例如：openssl pkey -in encrypted.pem -out key.pem &amp;&amp; chmod 600 key.pem</translation>
    </message>
    <message>
        <source>A public key or certificate was given where the private key is expected. Configure the merchant&apos;s private key (the one used to generate the public key registered with the provider).</source>
        <translation>需要私钥的地方提供了公钥或证书。请配置商户私钥（即生成在支付机构登记的公钥时所用的私钥）。</translation>
    </message>
    <message>
        <source>The private key could not be decoded: it is damaged, truncated, or not a private key. Copy the whole key again.</source>
        <translation>无法解析私钥：它已损坏、不完整或不是私钥。请重新复制完整的密钥。</translation>
    </message>
    <message>
        <source>The public key</source>
        <translation>公钥</translation>
    </message>
    <message>
        <source>No public key is loaded. Configure the provider&apos;s public key or certificate first.</source>
        <translation>未加载公钥。请先配置支付机构的公钥或证书。</translation>
    </message>
    <message>
        <source>A private key was given where a public key is expected. Configure the provider&apos;s public key or certificate instead, and keep the private key secret.</source>
        <translation>需要公钥的地方提供了私钥。请改为配置支付机构的公钥或证书，并妥善保管私钥。</translation>
    </message>
    <message>
        <source>The certificate could not be decoded: it is damaged or truncated. Download or copy the certificate file again.</source>
        <translation>无法解析证书：它已损坏或不完整。请重新下载或复制证书文件。</translation>
    </message>
    <message>
        <source>Certificate number %1 in the file could not be decoded: it is damaged or truncated. Download or copy the certificate file again.</source>
        <translation>无法解析文件中的第 %1 个证书：它已损坏或不完整。请重新下载或复制证书文件。</translation>
    </message>
    <message>
        <source>The AES-256-GCM key has %1 bytes instead of %2. The WeChat Pay APIv3 key is exactly 32 characters: copy it again from the merchant platform.</source>
        <translation>AES-256-GCM 密钥为 %1 字节，而不是 %2 字节。微信支付 APIv3 密钥恰好为 32 个字符：请从商户平台重新复制。</translation>
    </message>
    <message>
        <source>The AES-256-GCM nonce has %1 bytes instead of %2.</source>
        <translation>AES-256-GCM 随机数为 %1 字节，而不是 %2 字节。</translation>
    </message>
    <message>
        <source>The data is too large to encrypt or decrypt.</source>
        <translation>数据过大，无法加密或解密。</translation>
    </message>
    <message>
        <source>The encrypted data has only %1 bytes, fewer than the %2-byte authentication tag: it was truncated.</source>
        <translation>加密数据只有 %1 字节，少于 %2 字节的认证标签：数据不完整。</translation>
    </message>
    <message>
        <source>Could not prepare AES-256-GCM decryption.</source>
        <translation>无法准备 AES-256-GCM 解密。</translation>
    </message>
    <message>
        <source>AES-256-GCM decryption failed.</source>
        <translation>AES-256-GCM 解密失败。</translation>
    </message>
    <message>
        <source>The encrypted data failed authentication: the APIv3 key is wrong, or the data, nonce or associated data were changed. Check the APIv3 key configured for this merchant.</source>
        <translation>加密数据认证失败：APIv3 密钥错误，或数据、随机数、附加数据被修改。请检查为该商户配置的 APIv3 密钥。</translation>
    </message>
    <message>
        <source>Could not prepare AES-256-GCM encryption.</source>
        <translation>无法准备 AES-256-GCM 加密。</translation>
    </message>
    <message>
        <source>AES-256-GCM encryption failed.</source>
        <translation>AES-256-GCM 加密失败。</translation>
    </message>
    <message>
        <source>The Alipay root certificate file holds no RSA-signed certificate, so alipay_root_cert_sn cannot be computed. Download alipayRootCert.crt again from the Alipay open platform.</source>
        <translation>支付宝根证书文件中没有 RSA 签名的证书，因此无法计算 alipay_root_cert_sn。请从支付宝开放平台重新下载 alipayRootCert.crt。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>No file name was given. Set the path of the key file in the configuration.</source>
        <translation>未指定文件名。请在配置中设置密钥文件的路径。</translation>
    </message>
    <message>
        <source>The file %1 does not exist. Check the path in the configuration and that the file was installed.</source>
        <translation>文件 %1 不存在。请检查配置中的路径，并确认该文件已安装。</translation>
    </message>
    <message>
        <source>%1 is a directory, not a key file. Give the path of the file itself.</source>
        <translation>%1 是目录，不是密钥文件。请填写文件本身的路径。</translation>
    </message>
    <message>
        <source>%1 is not a regular file. Give the path of a key file.</source>
        <translation>%1 不是普通文件。请填写密钥文件的路径。</translation>
    </message>
    <message>
        <source>The file %1 is empty. Copy the key into it again.</source>
        <translation>文件 %1 为空。请重新将密钥复制进去。</translation>
    </message>
    <message>
        <source>The file %1 is larger than %2 bytes, too large for a key or certificate. Check that the path points to the right file.</source>
        <translation>文件 %1 大于 %2 字节，对密钥或证书来说过大。请检查路径是否指向正确的文件。</translation>
    </message>
    <message>
        <source>The file %1 cannot be read by this user (permission denied). Make it owned by the user the service runs as (chown USER %1) and readable only by that user (chmod 600 %1).</source>
        <translation>当前用户无法读取文件 %1（权限不足）。请将其所有者设为运行服务的用户（chown USER %1），并设为仅该用户可读（chmod 600 %1）。</translation>
    </message>
    <message>
        <source>The file %1 cannot be opened: %2.</source>
        <translation>无法打开文件 %1：%2。</translation>
    </message>
    <message>
        <source>The secret file %1 can be accessed by other users (mode %2), so it is refused. Make it private to the service user: chmod 600 %1, and make it owned by the user the service runs as (chown USER %1).</source>
        <translation>机密文件 %1 可被其他用户访问（权限 %2），因此拒绝使用。请将其设为服务用户私有：chmod 600 %1，并将其所有者设为运行服务的用户（chown USER %1）。</translation>
    </message>
    <message>
        <source>The secret file %1 belongs to another user (uid %2) than the one running qpos (uid %3), so it is refused. Make it owned by the user the service runs as (chown USER %1) and chmod 600 %1.</source>
        <translation>机密文件 %1 属于其他用户（uid %2），而不是运行 qpos 的用户（uid %3），因此拒绝使用。请将其所有者设为运行服务的用户（chown USER %1），并执行 chmod 600 %1。</translation>
    </message>
    <message>
        <source>The file %1 cannot be read: %2. Check its permissions.</source>
        <translation>无法读取文件 %1：%2。请检查其权限。</translation>
    </message>
    <message>
        <source>%1 (OpenSSL: %2)</source>
        <translation>%1（OpenSSL：%2）</translation>
    </message>
    <message>
        <source>Could not prepare the PEM text for reading.</source>
        <translation>无法准备读取 PEM 文本。</translation>
    </message>
    <message>
        <source>A PEM block is damaged: its BEGIN/END lines or its base64 body are incomplete. Copy the whole block again.</source>
        <translation>PEM 块已损坏：其 BEGIN/END 行或 base64 内容不完整。请重新复制整个块。</translation>
    </message>
    <message>
        <source>The stored PIN hash is damaged or in an unknown format, so the PIN cannot be checked. Set the PIN again.</source>
        <translation>保存的密码哈希已损坏或格式未知，无法验证密码。请重新设置密码。</translation>
    </message>
    <message>
        <source>The PIN could not be hashed (scrypt failed). The system may be out of memory; try again.</source>
        <translation>无法计算密码哈希（scrypt 失败）。系统内存可能不足；请重试。</translation>
    </message>
    <message>
        <source>The PIN is empty. Enter a PIN.</source>
        <translation>密码为空。请输入密码。</translation>
    </message>
    <message>
        <source>The scrypt parameters for PIN hashing are out of range.</source>
        <translation>密码哈希的 scrypt 参数超出范围。</translation>
    </message>
    <message>
        <source>The PIN is wrong.</source>
        <translation>密码错误。</translation>
    </message>
    <message>
        <source>%1 could not be decoded.</source>
        <translation>无法解析%1。</translation>
    </message>
    <message>
        <source>non-RSA</source>
        <translation>非 RSA</translation>
    </message>
    <message>
        <source>%1 is a %2 key, but Alipay and WeChat Pay (RSA2) need an RSA key of at least %3 bits. Use the RSA key generated for this merchant account.</source>
        <translation>%1是 %2 密钥，但支付宝和微信支付（RSA2）需要至少 %3 位的 RSA 密钥。请使用为该商户账号生成的 RSA 密钥。</translation>
    </message>
    <message>
        <source>%1 has only %2 bits; at least %3 are required. Generate a new RSA key of %3 bits or more and register its public key with the payment provider.</source>
        <translation>%1只有 %2 位；至少需要 %3 位。请生成 %3 位或以上的新 RSA 密钥，并将其公钥登记到支付机构。</translation>
    </message>
    <message>
        <source>A public key cannot sign.</source>
        <translation>公钥不能用于签名。</translation>
    </message>
    <message>
        <source>Could not prepare RSA signing.</source>
        <translation>无法准备 RSA 签名。</translation>
    </message>
    <message>
        <source>Could not compute the SHA-256 digest.</source>
        <translation>无法计算 SHA-256 摘要。</translation>
    </message>
    <message>
        <source>RSA signing failed. Check that the private key is intact.</source>
        <translation>RSA 签名失败。请检查私钥是否完整。</translation>
    </message>
    <message>
        <source>The signature has %1 bytes, but a signature made with this %2-bit key has %3. The signature is damaged or belongs to another key.</source>
        <translation>签名为 %1 字节，但用这个 %2 位密钥生成的签名应为 %3 字节。签名已损坏或属于其他密钥。</translation>
    </message>
    <message>
        <source>Could not prepare RSA verification.</source>
        <translation>无法准备 RSA 验签。</translation>
    </message>
    <message>
        <source>The signature does not match the data: the data was changed, or it was signed with a different key. Check that the configured public key is the provider&apos;s current one.</source>
        <translation>签名与数据不匹配：数据已被修改，或使用了其他密钥签名。请检查所配置的公钥是否为支付机构当前的公钥。</translation>
    </message>
    <message>
        <source>RSA signature verification failed.</source>
        <translation>RSA 验签失败。</translation>
    </message>
    <message>
        <source>%1 could not be encoded.</source>
        <translation>无法编码%1。</translation>
    </message>
    <message>
        <source>The private key is empty. Paste the whole key: the PEM text with its BEGIN/END lines, or the base64 text of Alipay&apos;s key tool.</source>
        <translation>私钥为空。请粘贴完整的密钥：带 BEGIN/END 行的 PEM 文本，或支付宝密钥工具生成的 base64 文本。</translation>
    </message>
    <message>
        <source>The private key is in OpenSSH format. Convert it to PEM, for example with: ssh-keygen -p -m PEM -f KEYFILE</source>
        <translation>该私钥为 OpenSSH 格式。请将其转换为 PEM，例如：ssh-keygen -p -m PEM -f KEYFILE</translation>
    </message>
    <message>
        <source>No private key was found in the PEM text. Expected a block starting with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----.</source>
        <translation>PEM 文本中没有找到私钥。应有以 -----BEGIN PRIVATE KEY----- 或 -----BEGIN RSA PRIVATE KEY----- 开头的块。</translation>
    </message>
    <message>
        <source>The private key is neither PEM text nor valid base64. Copy the key again exactly as the key tool produced it.</source>
        <translation>该私钥既不是 PEM 文本，也不是有效的 base64。请按密钥工具生成的原样重新复制密钥。</translation>
    </message>
    <message>
        <source>An RSA key needs at least %1 bits; %2 were asked.</source>
        <translation>RSA 密钥至少需要 %1 位；请求的是 %2 位。</translation>
    </message>
    <message>
        <source>Could not generate an RSA key.</source>
        <translation>无法生成 RSA 密钥。</translation>
    </message>
    <message>
        <source>The public half of the private key</source>
        <translation>私钥对应的公钥</translation>
    </message>
    <message>
        <source>The public key is empty. Paste the whole key: the PEM text with its BEGIN/END lines, or the base64 text the provider shows.</source>
        <translation>公钥为空。请粘贴完整的密钥：带 BEGIN/END 行的 PEM 文本，或支付机构显示的 base64 文本。</translation>
    </message>
    <message>
        <source>The public key&apos;s PEM block could not be decoded: it is damaged or truncated. Copy the whole key again.</source>
        <translation>无法解析公钥的 PEM 块：它已损坏或不完整。请重新复制完整的密钥。</translation>
    </message>
    <message>
        <source>No public key was found in the PEM text. Expected a block starting with -----BEGIN PUBLIC KEY-----, -----BEGIN RSA PUBLIC KEY----- or -----BEGIN CERTIFICATE-----.</source>
        <translation>PEM 文本中没有找到公钥。应有以 -----BEGIN PUBLIC KEY-----、-----BEGIN RSA PUBLIC KEY----- 或 -----BEGIN CERTIFICATE----- 开头的块。</translation>
    </message>
    <message>
        <source>The public key is neither PEM text nor valid base64. Copy the key again exactly as the provider shows it.</source>
        <translation>该公钥既不是 PEM 文本，也不是有效的 base64。请按支付机构显示的原样重新复制密钥。</translation>
    </message>
    <message>
        <source>The public key could not be decoded: it is damaged, truncated, or not a public key. Copy the whole key again.</source>
        <translation>无法解析公钥：它已损坏、不完整或不是公钥。请重新复制完整的密钥。</translation>
    </message>
    <message>
        <source>The signature is not valid base64, so it cannot be checked. The message may have been damaged on the way.</source>
        <translation>签名不是有效的 base64，无法验证。消息可能在传输中损坏。</translation>
    </message>
    <message>
        <source>The system&apos;s secure random number generator failed. Restart the application; if this persists, the system&apos;s entropy source is broken.</source>
        <translation>系统安全随机数生成器出错。请重启应用；如问题持续，说明系统的熵源已损坏。</translation>
    </message>
    <message>
        <source>A negative number of random bytes was asked.</source>
        <translation>请求的随机字节数为负数。</translation>
    </message>
    <message>
        <source>A negative nonce length was asked.</source>
        <translation>请求的随机数长度为负数。</translation>
    </message>
    <message>
        <source>The certificate text is empty. Give the whole PEM file with its BEGIN/END CERTIFICATE lines.</source>
        <translation>证书文本为空。请提供带 BEGIN/END CERTIFICATE 行的完整 PEM 文件。</translation>
    </message>
    <message>
        <source>No certificate was found. Expected a block starting with -----BEGIN CERTIFICATE-----.</source>
        <translation>没有找到证书。应有以 -----BEGIN CERTIFICATE----- 开头的块。</translation>
    </message>
    <message>
        <source>No certificate is loaded.</source>
        <translation>未加载证书。</translation>
    </message>
    <message>
        <source>The certificate&apos;s public key could not be read; it may use an algorithm this system does not support.</source>
        <translation>无法读取证书中的公钥；它可能使用了本系统不支持的算法。</translation>
    </message>
    <message>
        <source>The certificate&apos;s public key</source>
        <translation>证书中的公钥</translation>
    </message>
    <message>
        <source>The certificate was not issued by a trusted root certificate (%1).</source>
        <translation>该证书不是由受信任的根证书签发的（%1）。</translation>
    </message>
    <message>
        <source>no root certificate</source>
        <translation>没有根证书</translation>
    </message>
    <message>
        <source>The certificate check failed.</source>
        <translation>证书校验失败。</translation>
    </message>
    <message>
        <source>A root certificate could not be used.</source>
        <translation>有一个根证书无法使用。</translation>
    </message>
    <message>
        <source>The certificate was not issued.</source>
        <translation>证书未能签发。</translation>
    </message>
</context>
<context>
    <name>qpos::ctl</name>
    <message>
        <source>creating the order</source>
        <translation>正在创建订单</translation>
    </message>
    <message>
        <source>waiting for the customer to pay</source>
        <translation>等待顾客付款</translation>
    </message>
    <message>
        <source>the customer is confirming on the phone</source>
        <translation>顾客正在手机上确认</translation>
    </message>
    <message>
        <source>an answer was lost: asking the provider</source>
        <translation>未收到应答：正在向支付机构查询</translation>
    </message>
    <message>
        <source>cancelling at the provider</source>
        <translation>正在支付机构撤销</translation>
    </message>
    <message>
        <source>PAID</source>
        <translation>支付成功</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>expired: nobody paid in time</source>
        <translation>已过期：超时未支付</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>支付失败</translation>
    </message>
    <message>
        <source>reversed: paid during the cancel and refunded at once</source>
        <translation>已冲正：取消期间已付款，已立即退款</translation>
    </message>
    <message>
        <source>Order:   %1</source>
        <translation>订单号：%1</translation>
    </message>
    <message>
        <source>Amount:  %1 (%2)</source>
        <translation>金额：  %1（%2）</translation>
    </message>
    <message>
        <source>QR code: %1</source>
        <translation>二维码：%1</translation>
    </message>
    <message>
        <source>Waiting up to %1 s for the customer to pay...</source>
        <translation>最多等待 %1 秒让顾客付款……</translation>
    </message>
    <message>
        <source>Status:  %1 - %2</source>
        <translation>状态：  %1 - %2</translation>
    </message>
    <message>
        <source>Amount in yuan, e.g. 12.34 (at most two decimals).</source>
        <translation>金额（元），例如 12.34（最多两位小数）。</translation>
    </message>
    <message>
        <source>What the customer sees on the phone (default: the store name).</source>
        <translation>顾客在手机上看到的订单标题（默认：门店名称）。</translation>
    </message>
    <message>
        <source>Operator id recorded with the order and sent to the provider (1-16 letters or digits).</source>
        <translation>随订单记录并发送给支付机构的操作员编号（1-16 个字母或数字）。</translation>
    </message>
    <message>
        <source>Wait up to SECONDS for the payment; then cancel the order and report the outcome.</source>
        <translation>最多等待 SECONDS 秒付款；之后撤销订单并报告结果。</translation>
    </message>
    <message>
        <source>Unexpected argument &quot;%1&quot;.</source>
        <translation>多余的参数“%1”。</translation>
    </message>
    <message>
        <source>Unknown channel &quot;%1&quot;: use alipay or wechat.</source>
        <translation>未知渠道“%1”：请使用 alipay 或 wechat。</translation>
    </message>
    <message>
        <source>--amount is required, in yuan (e.g. 12.34).</source>
        <translation>必须提供 --amount，单位为元（例如 12.34）。</translation>
    </message>
    <message>
        <source>--wait takes a number of seconds from 1 to %1.</source>
        <translation>--wait 的值为 1 到 %1 之间的秒数。</translation>
    </message>
    <message>
        <source>--cashier takes 1 to 16 letters or digits.</source>
        <translation>--cashier 的值为 1 到 16 个字母或数字。</translation>
    </message>
    <message>
        <source>--subject takes 1 to 256 characters.</source>
        <translation>--subject 的值为 1 到 256 个字符。</translation>
    </message>
    <message>
        <source>The %1 channel is not enabled in the configuration. Set [%2] enabled = true with its keys (see docs/config.md), then check with &quot;qposctl doctor&quot;.</source>
        <translation>配置中未启用%1渠道。请设置 [%2] enabled = true 并配置其密钥（见 docs/config.md），然后用“qposctl doctor”检查。</translation>
    </message>
    <message>
        <source>Recovery settled %1 of %2 open orders left by an earlier run (%3 still open).</source>
        <translation>恢复处理了之前运行遗留的 %2 笔未完成订单中的 %1 笔（%3 笔仍未完成）。</translation>
    </message>
    <message>
        <source>The %1 channel is enabled in the configuration but this version of qpos cannot use it yet.</source>
        <translation>配置中已启用%1渠道，但此版本的 qpos 尚不支持。</translation>
    </message>
    <message>
        <source>Stopped before the order was written.</source>
        <translation>在写入订单前已停止。</translation>
    </message>
    <message>
        <source>Interrupted: cancelling order %1 at the provider (Ctrl+C again leaves it open for recovery).</source>
        <translation>已中断：正在支付机构撤销订单 %1（再按一次 Ctrl+C 则保留该订单，待恢复时处理）。</translation>
    </message>
    <message>
        <source>No payment within %1 s: cancelling order %2 at the provider.</source>
        <translation>%1 秒内未付款：正在支付机构撤销订单 %2。</translation>
    </message>
    <message>
        <source>The outcome of order %1 is not known yet: the provider has not answered the cancel. The order stays open; &quot;qposctl recover&quot; or the till&apos;s next start settles it.</source>
        <translation>订单 %1 的结果暂未知：支付机构尚未应答撤销请求。订单保持未完成；“qposctl recover”或收银台下次启动时会处理。</translation>
    </message>
    <message>
        <source>Show this help.</source>
        <translation>显示此帮助。</translation>
    </message>
    <message>
        <source>Print JSON (one object per line) instead of text.</source>
        <translation>输出 JSON（每行一个对象）而不是文本。</translation>
    </message>
    <message>
        <source>Usage: qposctl [global options] %1 %2</source>
        <translation>用法：qposctl [全局选项] %1 %2</translation>
    </message>
    <message>
        <source>Try &quot;qposctl %1 --help&quot;.</source>
        <translation>请尝试“qposctl %1 --help”。</translation>
    </message>
    <message>
        <source>Unknown command &quot;%1&quot;. Try &quot;qposctl --help&quot;.</source>
        <translation>未知命令“%1”。请尝试“qposctl --help”。</translation>
    </message>
    <message>
        <source>The configuration is not valid:</source>
        <translation>配置无效：</translation>
    </message>
    <message>
        <source>Run &quot;qposctl doctor&quot; for a full check.</source>
        <translation>运行“qposctl doctor”进行全面检查。</translation>
    </message>
    <message>
        <source>Cannot write the log: %1</source>
        <translation>无法写入日志：%1</translation>
    </message>
    <message>
        <source>Cannot start the demo shop&apos;s simulated providers: %1</source>
        <translation>无法启动演示门店的模拟支付机构：%1</translation>
    </message>
    <message>
        <source>No command given. Try &quot;qposctl --help&quot;.</source>
        <translation>未指定命令。请尝试“qposctl --help”。</translation>
    </message>
    <message>
        <source>%1: %2 does not exist. Install the file there (owned by the service user, chmod 600) or correct the path.</source>
        <translation>%1：%2 不存在。请将文件安装到该位置（所有者为服务用户，chmod 600），或更正路径。</translation>
    </message>
    <message>
        <source>%1: %2 does not exist. Install the file there or correct the path.</source>
        <translation>%1：%2 不存在。请将文件安装到该位置，或更正路径。</translation>
    </message>
    <message>
        <source>%1: %2 has mode %3, so other users may read it and the till refuses it. Run: chmod 600 %2</source>
        <translation>%1：%2 的权限为 %3，其他用户可以读取，收银台拒绝使用。请运行：chmod 600 %2</translation>
    </message>
    <message>
        <source>%1: %2 holds a %3-bit RSA private key, mode %4.</source>
        <translation>%1：%2 中是 %3 位 RSA 私钥，权限 %4。</translation>
    </message>
    <message>
        <source>%1: %2 holds a %3-bit RSA public key.</source>
        <translation>%1：%2 中是 %3 位 RSA 公钥。</translation>
    </message>
    <message>
        <source>%1: %2 holds %3 certificate(s).</source>
        <translation>%1：%2 中有 %3 个证书。</translation>
    </message>
    <message>
        <source>[alipay] alipay_public_key is the public key of the app&apos;s own private key, not Alipay&apos;s. Copy the &quot;Alipay public key&quot; (支付宝公钥) from Alipay&apos;s console into %1.</source>
        <translation>[alipay] alipay_public_key 是应用自己私钥对应的公钥，而不是支付宝公钥。请从支付宝控制台复制“支付宝公钥”到 %1。</translation>
    </message>
    <message>
        <source>%1: %2 holds %3 characters; the APIv3 key has exactly 32. Copy it again from the merchant platform.</source>
        <translation>%1：%2 中有 %3 个字符；APIv3 密钥恰好为 32 个字符。请从商户平台重新复制。</translation>
    </message>
    <message>
        <source>%1: %2 holds a 32-character key, mode %3.</source>
        <translation>%1：%2 中是 32 个字符的密钥，权限 %3。</translation>
    </message>
    <message>
        <source>No staff is set up: nobody can sign in at the till and no refund can be approved. Add a manager: qposctl staff add --id ID --name NAME --role manager</source>
        <translation>未设置员工：无人能登录收银台，也无人能授权退款。请添加店长：qposctl staff add --id ID --name NAME --role manager</translation>
    </message>
    <message>
        <source>%1 staff but no manager: no refund can be approved. Add one with qposctl staff add ... --role manager</source>
        <translation>有 %1 名员工，但没有店长：无人能授权退款。请用 qposctl staff add ... --role manager 添加店长</translation>
    </message>
    <message>
        <source>%1 staff, %2 of them managers.</source>
        <translation>%1 名员工，其中 %2 名店长。</translation>
    </message>
    <message>
        <source>No configuration file: the defaults apply.</source>
        <translation>没有配置文件：使用默认值。</translation>
    </message>
    <message>
        <source>No configuration file was read (searched: %1).</source>
        <translation>未读取任何配置文件（已查找：%1）。</translation>
    </message>
    <message>
        <source>Read %1.</source>
        <translation>已读取 %1。</translation>
    </message>
    <message>
        <source>The configuration is valid (sandbox mode: the demo shop).</source>
        <translation>配置有效（沙箱模式：演示门店）。</translation>
    </message>
    <message>
        <source>The configuration is valid.</source>
        <translation>配置有效。</translation>
    </message>
    <message>
        <source>%1 does not exist yet; the till creates it at its first start (&quot;qposctl staff add&quot; does too).</source>
        <translation>%1 尚不存在；收银台首次启动时会创建它（“qposctl staff add”也会）。</translation>
    </message>
    <message>
        <source>%1 does not exist and this user cannot create it: make %2 writable for the service user, or set [database] path.</source>
        <translation>%1 不存在，且当前用户无法创建：请让服务用户可写入 %2，或设置 [database] path。</translation>
    </message>
    <message>
        <source>%1 has schema version %2, made by a newer qpos (this one knows up to %3). Install the newer qpos.</source>
        <translation>%1 的结构版本为 %2，由较新版本的 qpos 创建（本程序最高支持 %3）。请安装较新版本的 qpos。</translation>
    </message>
    <message>
        <source>%1: the integrity check could not run. Keep the file (it may hold orders) and contact support.</source>
        <translation>%1：无法运行完整性检查。请保留该文件（其中可能有订单）并联系技术支持。</translation>
    </message>
    <message>
        <source>%1 is damaged (integrity check: %2). Stop the till, keep a copy of the file and contact support.</source>
        <translation>%1 已损坏（完整性检查：%2）。请停止收银台，保留该文件的副本并联系技术支持。</translation>
    </message>
    <message>
        <source>%1 cannot be written: %2. Check the permissions of the file and its directory (and free disk space).</source>
        <translation>无法写入 %1：%2。请检查该文件及其目录的权限（以及磁盘剩余空间）。</translation>
    </message>
    <message>
        <source>%1 has schema version %2; the till upgrades it to %3 at its next start.</source>
        <translation>%1 的结构版本为 %2；收银台下次启动时会将其升级到 %3。</translation>
    </message>
    <message>
        <source>%1: schema version %2, integrity check passed, writable.</source>
        <translation>%1：结构版本 %2，完整性检查通过，可写入。</translation>
    </message>
    <message>
        <source>%1 is writable.</source>
        <translation>%1 可写入。</translation>
    </message>
    <message>
        <source>%1 is not a directory this user can write: fix its permissions or set [log] dir.</source>
        <translation>%1 不是当前用户可写入的目录：请修正其权限或设置 [log] dir。</translation>
    </message>
    <message>
        <source>%1 will be created at the first start.</source>
        <translation>%1 将在首次启动时创建。</translation>
    </message>
    <message>
        <source>%1 does not exist and this user cannot create it: create it for the service user or set [log] dir.</source>
        <translation>%1 不存在，且当前用户无法创建：请为服务用户创建该目录，或设置 [log] dir。</translation>
    </message>
    <message>
        <source>%1: no answer within %2 s. Check the network and the gateway URL.</source>
        <translation>%1：%2 秒内无应答。请检查网络和网关地址。</translation>
    </message>
    <message>
        <source>Checks the configuration, the key files and their permissions, the order database, the staff, the log directory and that every enabled payment provider can be reached and accepts the keys (one harmless query of an order number never used). Prints one line per check: OK, WARN or FAIL with what to do. Changes nothing.
Exit codes: 0 no failure, 1 at least one FAIL, 2 wrong usage.</source>
        <translation>检查配置、密钥文件及其权限、订单数据库、员工、日志目录，以及每个已启用的支付机构能否连接并接受密钥（查询一个从未使用过的订单号，不会产生影响）。每项检查输出一行：OK、WARN 或 FAIL，并说明该怎么做。不做任何修改。
退出码：0 无失败，1 至少一项 FAIL，2 用法错误。</translation>
    </message>
    <message>
        <source>Do not contact the payment providers.</source>
        <translation>不连接支付机构。</translation>
    </message>
    <message>
        <source>Sandbox mode: the till uses its built-in simulated providers; there is nothing to reach.</source>
        <translation>沙箱模式：收银台使用内置的模拟支付机构，无需连接。</translation>
    </message>
    <message>
        <source>Not checked (--offline).</source>
        <translation>未检查（--offline）。</translation>
    </message>
    <message>
        <source>Not checked: correct the configuration first.</source>
        <translation>未检查：请先更正配置。</translation>
    </message>
    <message>
        <source>Not checked: correct the key files first.</source>
        <translation>未检查：请先更正密钥文件。</translation>
    </message>
    <message>
        <source>%1 failed, %2 warnings, %3 checks.</source>
        <translation>%1 项失败，%2 项警告，共 %3 项检查。</translation>
    </message>
    <message>
        <source>Order:</source>
        <translation>订单号：</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>支付渠道：</translation>
    </message>
    <message>
        <source>Amount:</source>
        <translation>金额：</translation>
    </message>
    <message>
        <source>Refunded:</source>
        <translation>已退款：</translation>
    </message>
    <message>
        <source>Subject:</source>
        <translation>订单标题：</translation>
    </message>
    <message>
        <source>Provider trade:</source>
        <translation>支付机构交易号：</translation>
    </message>
    <message>
        <source>Store/terminal:</source>
        <translation>门店/终端：</translation>
    </message>
    <message>
        <source>Cashier:</source>
        <translation>收银员：</translation>
    </message>
    <message>
        <source>Created:</source>
        <translation>创建时间：</translation>
    </message>
    <message>
        <source>Updated:</source>
        <translation>更新时间：</translation>
    </message>
    <message>
        <source>Paid:</source>
        <translation>支付时间：</translation>
    </message>
    <message>
        <source>Item:</source>
        <translation>商品：</translation>
    </message>
    <message>
        <source>History:</source>
        <translation>历史记录：</translation>
    </message>
    <message>
        <source>Refunds:</source>
        <translation>退款记录：</translation>
    </message>
    <message>
        <source>Shows one order with its history (every state change, who or what made it, and the provider&apos;s fields) and its refunds.</source>
        <translation>显示一个订单及其历史记录（每次状态变更、由谁或什么引起，以及支付机构的字段）和退款记录。</translation>
    </message>
    <message>
        <source>Give exactly one order number.</source>
        <translation>请只提供一个订单号。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an order number (at most 64 letters, digits and underscores).</source>
        <translation>“%1”不是订单号（最多 64 个字母、数字和下划线）。</translation>
    </message>
    <message>
        <source>ORDER</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>CHANNEL</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>AMOUNT</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>REFUNDED</source>
        <translation>已退金额</translation>
    </message>
    <message>
        <source>STATE</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>%1 orders; %2 paid: %3 yuan, refunded %4, net %5.</source>
        <translation>共 %1 笔订单；%2 笔已支付：%3 元，已退款 %4，净收 %5。</translation>
    </message>
    <message>
        <source>Lists orders, newest first: today&apos;s by default. Dates are China calendar dates (yyyy-MM-dd, &quot;today&quot; or &quot;yesterday&quot;), both inclusive. Reads the database only: safe while the till runs.</source>
        <translation>列出订单，最新的在前：默认为今天的订单。日期为中国日历日期（yyyy-MM-dd、“today”或“yesterday”），包含起止两天。只读取数据库：收银台运行时也可安全使用。</translation>
    </message>
    <message>
        <source>First day (default: --to, or today).</source>
        <translation>起始日期（默认：--to 的值，或今天）。</translation>
    </message>
    <message>
        <source>Last day (default: today).</source>
        <translation>结束日期（默认：今天）。</translation>
    </message>
    <message>
        <source>Only orders in this state: created, pending, unknown, paid, partially_refunded, refunded, cancelled, failed, or &quot;open&quot; (created, pending, unknown). Repeatable, or comma-separated.</source>
        <translation>只显示此状态的订单：created、pending、unknown、paid、partially_refunded、refunded、cancelled、failed，或“open”（created、pending、unknown）。可重复使用，或用逗号分隔。</translation>
    </message>
    <message>
        <source>Only this channel: alipay or wechat.</source>
        <translation>只显示此渠道：alipay 或 wechat。</translation>
    </message>
    <message>
        <source>Only orders whose number contains TEXT (or whose provider trade number is TEXT).</source>
        <translation>只显示订单号包含 TEXT（或支付机构交易号为 TEXT）的订单。</translation>
    </message>
    <message>
        <source>At most N orders (default: all).</source>
        <translation>最多 N 笔订单（默认：全部）。</translation>
    </message>
    <message>
        <source>Dates are written yyyy-MM-dd (or today, yesterday).</source>
        <translation>日期格式为 yyyy-MM-dd（或 today、yesterday）。</translation>
    </message>
    <message>
        <source>--from is after --to.</source>
        <translation>--from 晚于 --to。</translation>
    </message>
    <message>
        <source>Unknown state &quot;%1&quot;.</source>
        <translation>未知状态“%1”。</translation>
    </message>
    <message>
        <source>--limit takes a number from 1.</source>
        <translation>--limit 的值为大于等于 1 的数字。</translation>
    </message>
    <message>
        <source>The order database %1 does not exist yet: no orders.</source>
        <translation>订单数据库 %1 尚不存在：没有订单。</translation>
    </message>
    <message>
        <source>Settles every order and refund left open by an earlier run (a till or qposctl that was stopped, crashed or lost power), by asking the provider, as the till does when it starts. Do not run it against the database of a till that is open: the till&apos;s own open payments would be settled under it.
Exit codes: 0 nothing left open, 1 some orders are still open (the provider could not be asked; run it again later) or an error.</source>
        <translation>向支付机构查询并处理之前运行（收银台或 qposctl 被停止、崩溃或断电）遗留的所有未完成订单和退款，与收银台启动时的处理相同。不要对正在运行的收银台的数据库执行此命令：否则会在收银台不知情的情况下处理它正在进行的支付。
退出码：0 没有遗留未完成项，1 仍有订单未完成（无法查询支付机构，请稍后再运行）或出错。</translation>
    </message>
    <message>
        <source>Recovery: %1 open orders and refunds examined, %2 settled, %3 still open.</source>
        <translation>恢复：已检查 %1 笔未完成订单和退款，%2 笔已处理，%3 笔仍未完成。</translation>
    </message>
    <message>
        <source>Some orders are still open because the provider could not be asked. Run &quot;qposctl recover&quot; again later (&quot;qposctl doctor&quot; checks the connection).</source>
        <translation>由于无法查询支付机构，仍有订单未完成。请稍后再次运行“qposctl recover”（“qposctl doctor”可检查连接）。</translation>
    </message>
    <message>
        <source>Refunds part or all of a paid order, approved by a manager&apos;s PIN (from --pin, the environment variable QPOS_MANAGER_PIN, or standard input; prefer the latter two: other users can see command lines). When the outcome is not known (exit 1), do not refund again: &quot;qposctl recover&quot; settles the open refund under its own request number, which never refunds twice.
Exit codes: 0 refunded, 3 refused, 1 error or outcome not known yet, 2 wrong usage.</source>
        <translation>为已支付订单部分或全额退款，须店长密码授权（来自 --pin、环境变量 QPOS_MANAGER_PIN 或标准输入；建议用后两种：其他用户能看到命令行）。结果未知时（退出码 1）不要重复退款：“qposctl recover”会用原退款请求号处理未完成的退款，绝不会重复退款。
退出码：0 已退款，3 被拒绝，1 出错或结果暂未知，2 用法错误。</translation>
    </message>
    <message>
        <source>Amount to give back, in yuan.</source>
        <translation>退款金额，单位为元。</translation>
    </message>
    <message>
        <source>Why (kept with the refund, sent to the provider).</source>
        <translation>退款原因（随退款保存，并发送给支付机构）。</translation>
    </message>
    <message>
        <source>The manager&apos;s PIN.</source>
        <translation>店长密码。</translation>
    </message>
    <message>
        <source>--amount is required, in yuan.</source>
        <translation>必须提供 --amount，单位为元。</translation>
    </message>
    <message>
        <source>--reason takes at most 256 characters.</source>
        <translation>--reason 最多 256 个字符。</translation>
    </message>
    <message>
        <source>Manager PIN:</source>
        <translation>店长密码：</translation>
    </message>
    <message>
        <source>A manager PIN is needed: --pin, QPOS_MANAGER_PIN or standard input.</source>
        <translation>需要店长密码：--pin、QPOS_MANAGER_PIN 或标准输入。</translation>
    </message>
    <message>
        <source>No staff is set up, so no manager can approve a refund. Add one with &quot;qposctl staff add --role manager ...&quot;.</source>
        <translation>未设置员工，因此没有店长能授权退款。请用“qposctl staff add --role manager ...”添加店长。</translation>
    </message>
    <message>
        <source>Refunded %1 of order %2 (refund request %3), approved by %4.</source>
        <translation>已为订单 %2 退款 %1（退款请求号 %3），由 %4 授权。</translation>
    </message>
    <message>
        <source>Order state: %1; refunded in total %2 of %3.</source>
        <translation>订单状态：%1；累计已退款 %2，订单金额 %3。</translation>
    </message>
    <message>
        <source>The refund&apos;s outcome is not known yet; &quot;qposctl recover&quot; (or the till&apos;s next start) settles it with the same request number.</source>
        <translation>退款结果暂未知；“qposctl recover”（或收银台下次启动时）会用同一退款请求号处理。</translation>
    </message>
    <message>
        <source>Manages the till&apos;s staff: cashiers sign in with their PIN; a manager&apos;s PIN approves refunds, settings and reports.
  staff add --id ID --name NAME --role cashier|manager [--pin PIN]
      adds a member, or changes an existing one (its PIN only when one is given);
      the PIN (4 to 12 digits) comes from --pin, QPOS_STAFF_PIN or standard input
  staff list [--json]
  staff remove ID</source>
        <translation>管理收银台员工：收银员用自己的密码登录；店长密码用于授权退款、设置和报表。
  staff add --id ID --name NAME --role cashier|manager [--pin PIN]
      添加员工，或修改已有员工（仅在提供密码时修改其密码）；
      密码（4 到 12 位数字）来自 --pin、QPOS_STAFF_PIN 或标准输入
  staff list [--json]
  staff remove ID</translation>
    </message>
    <message>
        <source>Staff id: 1 to 16 letters or digits.</source>
        <translation>员工编号：1 到 16 个字母或数字。</translation>
    </message>
    <message>
        <source>Display name.</source>
        <translation>显示名称。</translation>
    </message>
    <message>
        <source>cashier or manager.</source>
        <translation>cashier 或 manager。</translation>
    </message>
    <message>
        <source>The PIN, 4 to 12 digits (prefer QPOS_STAFF_PIN or standard input).</source>
        <translation>密码，4 到 12 位数字（建议使用 QPOS_STAFF_PIN 或标准输入）。</translation>
    </message>
    <message>
        <source>--id, --name and --role are required.</source>
        <translation>必须提供 --id、--name 和 --role。</translation>
    </message>
    <message>
        <source>--role is cashier or manager.</source>
        <translation>--role 的值为 cashier 或 manager。</translation>
    </message>
    <message>
        <source>PIN for %1 (4 to 12 digits):</source>
        <translation>%1 的密码（4 到 12 位数字）：</translation>
    </message>
    <message>
        <source>A new member needs a PIN: --pin, QPOS_STAFF_PIN or standard input.</source>
        <translation>新员工需要密码：--pin、QPOS_STAFF_PIN 或标准输入。</translation>
    </message>
    <message>
        <source>Added %1 (%2, %3).</source>
        <translation>已添加 %1（%2，%3）。</translation>
    </message>
    <message>
        <source>Updated %1 (%2, %3).</source>
        <translation>已更新 %1（%2，%3）。</translation>
    </message>
    <message>
        <source>No staff. Add a manager with &quot;qposctl staff add --id ID --name NAME --role manager&quot;.</source>
        <translation>没有员工。请用“qposctl staff add --id ID --name NAME --role manager”添加店长。</translation>
    </message>
    <message>
        <source>Give exactly one staff id.</source>
        <translation>请只提供一个员工编号。</translation>
    </message>
    <message>
        <source>Removed %1.</source>
        <translation>已删除 %1。</translation>
    </message>
    <message>
        <source>Usage: qposctl [global options] staff add|list|remove ...</source>
        <translation>用法：qposctl [全局选项] staff add|list|remove ...</translation>
    </message>
    <message>
        <source>staff needs an action: add, list or remove.</source>
        <translation>staff 需要指定操作：add、list 或 remove。</translation>
    </message>
    <message>
        <source>Unknown staff action &quot;%1&quot;: use add, list or remove.</source>
        <translation>未知的 staff 操作“%1”：请使用 add、list 或 remove。</translation>
    </message>
    <message>
        <source>The order database %1 does not exist yet (the till creates it at its first start).</source>
        <translation>订单数据库 %1 尚不存在（收银台首次启动时会创建）。</translation>
    </message>
    <message>
        <source>  %1  %2 -&gt; %3  by %4 (%5)</source>
        <translation>  %1  %2 -&gt; %3  来源 %4（%5）</translation>
    </message>
    <message>
        <source>Paid by: the customer&apos;s payment code</source>
        <translation>付款方式：顾客付款码</translation>
    </message>
    <message>
        <source>Charges an amount by QR code: writes the order, prints its number and the QR code&apos;s text at once and, with --wait, waits for the payment. If the wait runs out (or on Ctrl+C), the order is cancelled at the provider and the provider&apos;s answer decides the outcome. Without --wait the order stays open and the till&apos;s next recovery settles it. With --code, charges the customer&apos;s payment code instead and waits for the outcome; the code&apos;s first digits pick the channel ([routing]).
Exit codes: 0 paid (or QR issued without --wait), 3 cancelled, expired, failed or refused by the terminal&apos;s routing, 1 error, 2 wrong usage.</source>
        <translation>以二维码收款：写入订单，立即输出订单号和二维码文本；使用 --wait 时等待付款。如果等待超时（或按 Ctrl+C），将在支付机构撤销订单，并以支付机构的应答确定结果。不使用 --wait 时，订单保持未完成，由收银台下一次恢复处理。使用 --code 时，改为扣顾客付款码并等待结果；由付款码的前几位数字选择支付渠道（[routing]）。
退出码：0 已支付（或未使用 --wait 时已生成二维码），3 已取消、已过期、失败或被本终端的路由规则拒绝，1 出错，2 用法错误。</translation>
    </message>
    <message>
        <source>Payment channel: alipay or wechat (default: the first of [routing] channels; with --code: the code&apos;s wallet).</source>
        <translation>支付渠道：alipay 或 wechat（默认：[routing] channels 中的第一个；使用 --code 时：付款码所属的支付应用）。</translation>
    </message>
    <message>
        <source>Charge the customer&apos;s payment code (16-24 digits) instead of showing a QR code. &quot;-&quot; reads it from the first line of standard input (other users can see command lines).</source>
        <translation>扣顾客的付款码（16-24 位数字），而不是显示二维码。“-”表示从标准输入的第一行读取（其他用户能看到命令行）。</translation>
    </message>
    <message>
        <source>--code takes the customer&apos;s payment code: 16 to 24 digits (or &quot;-&quot; to read it from standard input).</source>
        <translation>--code 的值为顾客付款码：16 到 24 位数字（或用“-”从标准输入读取）。</translation>
    </message>
    <message>
        <source>This is a %1 payment code, but --channel says %2. Leave --channel out: the code&apos;s first digits pick the channel.</source>
        <translation>这是%1付款码，但 --channel 指定的是 %2。请去掉 --channel：由付款码的前几位数字选择支付渠道。</translation>
    </message>
    <message>
        <source>This terminal offers no payment channel: check [alipay] or [wechat] enabled and [routing] channels, then &quot;qposctl doctor&quot;.</source>
        <translation>本终端没有提供任何支付渠道：请检查 [alipay] 或 [wechat] enabled 以及 [routing] channels，然后运行“qposctl doctor”。</translation>
    </message>
    <message>
        <source>This terminal does not offer %1: it is not in [routing] channels. Add it there (see docs/config.md) or charge with another channel.</source>
        <translation>本终端不提供%1：它不在 [routing] channels 中。请将其加入（见 docs/config.md），或使用其他支付渠道收款。</translation>
    </message>
    <message>
        <source>Demo shop: to play the customer who pays, run: curl -X POST %1/sandbox/%2/trades/%3/pay</source>
        <translation>演示门店：如要扮演付款的顾客，请运行：curl -X POST %1/sandbox/%2/trades/%3/pay</translation>
    </message>
    <message>
        <source>This terminal offers no payment channel: enable [alipay] or [wechat] (docs/config.md).</source>
        <translation>本终端没有提供任何支付渠道：请启用 [alipay] 或 [wechat]（docs/config.md）。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Offers %1 (Enter charges %2). Payment codes by prefix: %3. Largest payment: %4.</source>
        <translation>提供的支付渠道：%1（按 Enter 键使用%2）。各渠道付款码前缀：%3。单笔最高金额：%4。</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限额</translation>
    </message>
    <message>
        <source>No payment channel is enabled: set [alipay] enabled = true or [wechat] enabled = true with its keys (docs/config.md).</source>
        <translation>没有启用任何支付渠道：请设置 [alipay] enabled = true 或 [wechat] enabled = true，并配置其密钥（docs/config.md）。</translation>
    </message>
    <message>
        <source>[alipay] seller_id is not set, so a notification is not checked for this shop&apos;s Alipay account. Set it to the shop&apos;s PID (2088 and 12 digits, shown in Alipay&apos;s merchant console).</source>
        <translation>未设置 [alipay] seller_id，因此不会校验通知是否属于本店的支付宝账号。请将其设为本店的 PID（2088 加 12 位数字，见支付宝商家平台）。</translation>
    </message>
    <message>
        <source>%1: certificate %2, valid until %3 UTC.</source>
        <translation>%1：证书 %2，有效期至 UTC %3。</translation>
    </message>
    <message>
        <source>It has expired: download the current one.</source>
        <translation>它已过期：请下载当前的证书。</translation>
    </message>
    <message>
        <source>It expires within 30 days: renew it soon.</source>
        <translation>它将在 30 天内过期：请尽快更新。</translation>
    </message>
    <message>
        <source>renewed Alipay certificate (downloaded)</source>
        <translation>更新后的支付宝证书（已下载）</translation>
    </message>
    <message>
        <source>[wechat] wechatpay_public_key_id: answers under the public key name %1.</source>
        <translation>[wechat] wechatpay_public_key_id：使用该公钥签名的应答标明 %1。</translation>
    </message>
    <message>
        <source>Neither [wechat] wechatpay_public_key nor platform_certificate is set, so WeChat Pay&apos;s answers cannot be verified. Set the WeChat Pay public key (and its id) from the merchant platform.</source>
        <translation>[wechat] wechatpay_public_key 和 platform_certificate 都未设置，无法验证微信支付的应答。请从商户平台设置微信支付公钥（及其 ID）。</translation>
    </message>
    <message>
        <source>WeChat Pay platform certificate %1 (%2), valid until %3 UTC.</source>
        <translation>微信支付平台证书 %1（%2），有效期至 %3 UTC。</translation>
    </message>
    <message>
        <source>downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <source>configured</source>
        <translation>已配置</translation>
    </message>
    <message>
        <source>Every WeChat Pay platform certificate the till holds has expired, so WeChat Pay&apos;s answers cannot be verified. Let the till reach WeChat Pay to download the current one into %1, or move to the WeChat Pay public key ([wechat] wechatpay_public_key).</source>
        <translation>收银台持有的微信支付平台证书均已过期，无法验证微信支付的应答。请让收银台能够连接微信支付，以便将当前证书下载到 %1，或改用微信支付公钥（[wechat] wechatpay_public_key）。</translation>
    </message>
    <message>
        <source>Not linked to a store server ([store_server] url is empty): payment results come by polling and the orders stay on this till. To link it, run qposctl enroll CODE.</source>
        <translation>未接入门店服务器（[store_server] url 为空）：支付结果靠轮询获得，订单只保存在本收银台。如需接入，请运行 qposctl enroll CODE。</translation>
    </message>
    <message>
        <source>The store server credentials in %1 are for store %2, terminal %3, but this till is store %4, terminal %5. Enroll again with this till&apos;s code.</source>
        <translation>%1 中的门店服务器凭据属于门店 %2、终端 %3，但本收银台是门店 %4、终端 %5。请用本收银台的注册码重新注册。</translation>
    </message>
    <message>
        <source>certificate checked by the CAs</source>
        <translation>证书由 CA 校验</translation>
    </message>
    <message>
        <source>certificate pinned, SHA-256 %1…</source>
        <translation>证书已固定，SHA-256 %1…</translation>
    </message>
    <message>
        <source>Linked to %1 as store %2, terminal %3, key %4; %5.</source>
        <translation>已接入 %1，门店 %2，终端 %3，密钥 %4；%5。</translation>
    </message>
    <message>
        <source>The demo shop reads no configuration file to link. Give the file to change with --config FILE, or enroll without --sandbox.</source>
        <translation>演示门店不读取可写入接入信息的配置文件。请用 --config FILE 指定要修改的文件，或不带 --sandbox 注册。</translation>
    </message>
    <message>
        <source>Enrolled: store %1, terminal %2 is linked to %3. The till uses the link from its next start.</source>
        <translation>注册成功：门店 %1、终端 %2 已接入 %3。收银台下次启动时开始使用该连接。</translation>
    </message>
    <message>
        <source>The newest WeChat Pay platform certificate expires on %1 UTC, within 30 days. WeChat Pay issues the next one 10 days before; the till downloads it into %2 every 12 hours. If none arrives, check that the till reaches WeChat Pay, or move to the WeChat Pay public key ([wechat] wechatpay_public_key).</source>
        <translation>最新的微信支付平台证书将于 %1 UTC 到期，已不足 30 天。微信支付会在到期前 10 天签发下一张证书；收银台每 12 小时将其下载到 %2。如果一直没有下载到，请检查收银台能否访问微信支付，或改用微信支付公钥（[wechat] wechatpay_public_key）。</translation>
    </message>
    <message>
        <source>The enrollment code in %1 enrolled this till but was not deleted: delete the file (the till also does on its next start).</source>
        <translation>%1 中的注册码已完成本收银台的注册，但尚未删除：请删除该文件（收银台下次启动时也会删除）。</translation>
    </message>
    <message>
        <source>The enrollment code in %1 is for store %2, terminal %3, but this till is store %4, terminal %5. Put this till&apos;s code there, or correct [store] id and [terminal] id.</source>
        <translation>%1 中的注册码属于门店 %2、终端 %3，但本收银台是门店 %4、终端 %5。请放入本收银台的注册码，或更正 [store] id 和 [terminal] id。</translation>
    </message>
    <message>
        <source>Not enrolled yet: the code in %1 (store %2, terminal %3, server %4) is used by the till&apos;s next start, or now by qposctl enroll --from-file %1.</source>
        <translation>尚未注册：%1 中的注册码（门店 %2，终端 %3，服务器 %4）将在收银台下次启动时使用，也可以现在运行 qposctl enroll --from-file %1 使用。</translation>
    </message>
    <message>
        <source>The store server %1 named by the enrollment code cannot be reached: %2</source>
        <translation>无法连接注册码指定的门店服务器 %1：%2</translation>
    </message>
    <message>
        <source>The store server %1 answers; the till can enroll.</source>
        <translation>门店服务器 %1 有应答；收银台可以注册。</translation>
    </message>
    <message>
        <source>Read the code from FILE, and consume it.</source>
        <translation>从 FILE 读取注册码，用后将其清除。</translation>
    </message>
    <message>
        <source>Give exactly one enrollment code, or --from-file FILE.</source>
        <translation>请只给出一个注册码，或使用 --from-file FILE。</translation>
    </message>
    <message>
        <source>%1 holds no enrollment code: it was used already, or is empty. Put the code qpos-server terminal add printed in it, or give the code itself.</source>
        <translation>%1 中没有注册码：它已被使用，或是空的。请把 qpos-server terminal add 打印的注册码放进去，或直接给出注册码。</translation>
    </message>
    <message>
        <source>qposctl charges through a payment provider only: use alipay or wechat. Cash is taken at the till (F4).</source>
        <translation>qposctl 只能通过支付机构收款：请使用 alipay 或 wechat。现金请在收银台收取（F4）。</translation>
    </message>
    <message>
        <source>No receipt printer is used ([printer] enabled is false).</source>
        <translation>未使用小票打印机（[printer] enabled 为 false）。</translation>
    </message>
    <message>
        <source>This till was already enrolled with the code in %1; the file is now consumed.</source>
        <translation>本收银台已用 %1 中的注册码完成注册；该文件现已清除。</translation>
    </message>
    <message>
        <source>Usage: qposctl [--config FILE] [--sandbox] [--verbose] COMMAND [options]

The command-line companion of the qpos till, for IT and scripts. It works on the same
configuration and order database as the till. See docs/qposctl.md.

Global options:
  -c, --config FILE  read FILE after /etc/qpos/qpos.ini and the user&apos;s qpos.ini
  --sandbox          the demo shop: sandbox defaults, only --config FILE is read
  --verbose          also copy the log to stderr
  -h, --help         this help; &quot;qposctl COMMAND --help&quot; for a command&apos;s options
  --version          the version

Commands:
  charge    charge an amount by QR code and optionally wait for the payment
  orders    list orders (today by default)
  order     one order with its history
  refund    refund a paid order (needs a manager PIN)
  recover   settle every order left open by an earlier run
  reconcile match a day&apos;s provider bills against the orders
  doctor    check configuration, keys, database, staff and the providers
  staff     add, list or remove staff
  enroll    link the till to its store backend with a one-time code
  sandbox   run the simulated payment providers (as qpos-sandbox)

Exit codes: 0 done (charge: paid), 1 error, 2 wrong usage,
3 not paid (cancelled, expired, failed) or refund refused,
4 reconcile: open differences, 5 reconcile: a bill not made yet or overdue.</source>
        <translation>用法：qposctl [--config FILE] [--sandbox] [--verbose] COMMAND [选项]

qpos 收银台的命令行配套工具，供 IT 人员和脚本使用。它与收银台使用相同的
配置和订单数据库。参见 docs/qposctl.md。

全局选项：
  -c, --config FILE  在 /etc/qpos/qpos.ini 和用户的 qpos.ini 之后读取 FILE
  --sandbox          演示门店：使用沙箱默认值，只读取 --config FILE
  --verbose          同时将日志输出到 stderr
  -h, --help         显示此帮助；“qposctl COMMAND --help”显示某个命令的选项
  --version          显示版本

命令：
  charge    扫码收取一笔金额，可选择等待支付完成
  orders    列出订单（默认为今天）
  order     查看单个订单及其历史
  refund    对已支付订单退款（需要店长密码）
  recover   处理上次运行遗留的所有未完成订单
  reconcile 将某天的支付机构账单与订单对账
  doctor    检查配置、密钥、数据库、员工和支付机构
  staff     添加、列出或删除员工
  enroll    使用一次性注册码将收银台关联到门店后台
  sandbox   运行模拟支付机构（即 qpos-sandbox）

退出码：0 完成（charge：已支付），1 错误，2 用法错误，
3 未支付（已取消、已过期、失败）或退款被拒绝，
4 reconcile：有待处理差异，5 reconcile：账单尚未生成或已逾期。</translation>
    </message>
    <message>
        <source>Links this till to its store backend (qpos-server) with the one-time code that `qpos-server terminal add` printed. The code must be for this till&apos;s store and terminal. The server confirms it; only then are the terminal&apos;s credentials written (mode 0600, [store_server] credentials) and [store_server] url set in the configuration file (--config FILE, or the user&apos;s file). The secret is never printed. --from-file reads the code from a file (the provisioned /etc/qpos/enrollment-code, mode 0600) and deletes or empties that file once the credentials are written; a file whose code is already enrolled is just consumed. A CODE of - reads the code from standard input, so that it never shows in the process list.
Exit codes: 0 enrolled, 1 refused or unreachable (nothing changed), 2 wrong usage.</source>
        <translation>使用 `qpos-server terminal add` 输出的一次性注册码，将本收银台关联到其门店后台（qpos-server）。注册码必须属于本收银台所在的门店和终端。服务器确认后，才会写入终端凭据（权限 0600，[store_server] credentials），并在配置文件（--config FILE，或用户的配置文件）中设置 [store_server] url。密钥绝不会被打印出来。--from-file 从文件（预置的 /etc/qpos/enrollment-code，权限 0600）读取注册码，并在凭据写入后删除或清空该文件；若文件中的注册码已完成注册，则仅清除该文件。CODE 为 - 时从标准输入读取注册码，使其不会出现在进程列表中。
退出码：0 已注册，1 被拒绝或无法连接（未做任何更改），2 用法错误。</translation>
    </message>
    <message>
        <source>No enrollment code on standard input. Pipe in the code qpos-server terminal add printed, or use --from-file FILE.</source>
        <translation>标准输入中没有注册码。请通过管道传入 qpos-server terminal add 输出的注册码，或使用 --from-file FILE。</translation>
    </message>
    <message>
        <source>%1 payments %2, %3 refunds %4</source>
        <translation>收款 %1 笔共 %2 元，退款 %3 笔共 %4 元</translation>
    </message>
    <message>
        <source>This run: %1. %2</source>
        <translation>本次运行：%1。%2</translation>
    </message>
    <message>
        <source>Provider: %1</source>
        <translation>支付机构：%1</translation>
    </message>
    <message>
        <source>Till:     %1</source>
        <translation>收银台：  %1</translation>
    </message>
    <message>
        <source>Fee %1, matched %2, held for the next days %3</source>
        <translation>手续费 %1 元，已匹配 %2 笔，挂账待后续匹配 %3 笔</translation>
    </message>
    <message>
        <source>Bill kept in %1</source>
        <translation>账单已保存至 %1</translation>
    </message>
    <message>
        <source>%1 differences, %2 open</source>
        <translation>%1 项差异，%2 项待处理</translation>
    </message>
    <message>
        <source>Downloads each provider&apos;s bill of a China day, matches it against the till&apos;s orders and keeps the result in the till&apos;s database (the bill file in bills/ beside it). Before a difference is recorded, the provider is asked about the trade: an order the till had as cancelled or failed that the provider took is recorded as paid. Running a day again is safe.
Exit codes: 0 every bill agrees with the till (or there was none that day), 4 open differences for the manager, 5 a bill not made yet or overdue, 1 an error.</source>
        <translation>下载各支付机构某一天（北京时间）的账单，与本收银台的订单进行匹配，并将结果保存在收银台数据库中（账单文件保存在其旁边的 bills/ 目录）。记录差异之前，会先向支付机构查询该交易：收银台记为已取消或失败、但支付机构已收款的订单，将记为已支付。同一天可安全地重复对账。
退出码：0 所有账单与收银台一致（或当天没有账单），4 有待店长处理的差异，5 账单尚未生成或已逾期，1 出错。</translation>
    </message>
    <message>
        <source>The China date of the bills.</source>
        <translation>账单日期（北京时间）。</translation>
    </message>
    <message>
        <source>Only this provider (default: every configured one).</source>
        <translation>仅对账此支付机构（默认：所有已配置的支付机构）。</translation>
    </message>
    <message>
        <source>Wait for a bill not made yet, asking again now and then until the deadline.</source>
        <translation>账单尚未生成时等待，并每隔一段时间重新查询，直到截止时间。</translation>
    </message>
    <message>
        <source>With --wait: seconds between tries (default 600).</source>
        <translation>与 --wait 一起使用：两次尝试之间的间隔秒数（默认 600）。</translation>
    </message>
    <message>
        <source>The deadline for the bill, China time on the next day (default 18:00): after it, a missing bill is overdue.</source>
        <translation>账单的截止时间，为次日的北京时间（默认 18:00）：超过此时间仍无账单即视为逾期。</translation>
    </message>
    <message>
        <source>Give the day to reconcile with --date yyyy-MM-dd (or --date yesterday).</source>
        <translation>请用 --date yyyy-MM-dd（或 --date yesterday）指定要对账的日期。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date: write it as yyyy-MM-dd, for example 2026-12-01, or &quot;yesterday&quot;.</source>
        <translation>“%1”不是日期：请写成 yyyy-MM-dd，例如 2026-12-01，或写“yesterday”。</translation>
    </message>
    <message>
        <source>--provider is alipay or wechat, not &quot;%1&quot;.</source>
        <translation>--provider 的值为 alipay 或 wechat，而不是“%1”。</translation>
    </message>
    <message>
        <source>--retry-seconds takes a whole number of seconds, 1 or more, not &quot;%1&quot;.</source>
        <translation>--retry-seconds 的值为 1 或以上的整数秒，而不是“%1”。</translation>
    </message>
    <message>
        <source>--until takes a China time as HH:MM, for example 18:00, not &quot;%1&quot;.</source>
        <translation>--until 的值为 HH:MM 格式的北京时间，例如 18:00，而不是“%1”。</translation>
    </message>
    <message>
        <source>%1 is not set up on this till: see the [%2] section of the configuration.</source>
        <translation>本收银台未配置%1：请查看配置中的 [%2] 节。</translation>
    </message>
    <message>
        <source>No payment provider is set up on this till, so there is no bill to reconcile.</source>
        <translation>本收银台未配置任何支付机构，因此没有需要对账的账单。</translation>
    </message>
    <message>
        <source>The %1 bill of %2 is not made yet; asking again in %3 s.</source>
        <translation>%1 %2 的账单尚未生成；%3 秒后再次查询。</translation>
    </message>
</context>
<context>
    <name>qpos::gateway::ConnectionSettings</name>
    <message>
        <source>The CA file %1 ([network] ca_file) cannot be read (%2). Point the setting at the sandbox&apos;s sandbox-ca.pem, or remove it.</source>
        <translation>无法读取 CA 文件 %1（[network] ca_file）（%2）。请将该设置指向沙箱的 sandbox-ca.pem，或删除该设置。</translation>
    </message>
    <message>
        <source>The CA file %1 ([network] ca_file) holds no PEM certificate. Point the setting at the sandbox&apos;s sandbox-ca.pem, or remove it.</source>
        <translation>CA 文件 %1（[network] ca_file）中没有 PEM 证书。请将该设置指向沙箱的 sandbox-ca.pem，或删除该设置。</translation>
    </message>
</context>
<context>
    <name>qpos::gateway::CsvReader</name>
    <message>
        <source>line %1 holds a carriage return inside it, so the file is damaged. Download it again.</source>
        <translation>第 %1 行中间含有回车符，文件已损坏。请重新下载。</translation>
    </message>
    <message>
        <source>line %1 is not valid CSV (%2)</source>
        <translation>第 %1 行不是有效的 CSV（%2）</translation>
    </message>
    <message>
        <source>the quoted field that starts on line %1 is never closed: the file is truncated</source>
        <translation>从第 %1 行开始的引号字段没有结束：文件不完整</translation>
    </message>
    <message>
        <source>line %1 is not UTF-8 text</source>
        <translation>第 %1 行不是 UTF-8 文本</translation>
    </message>
</context>
<context>
    <name>qpos::gateway::GatewayProbe</name>
    <message>
        <source>%1 refused the till&apos;s signature: the private key in %2 does not match the public key registered at %1. Upload the public key that belongs to this private key in %1&apos;s console, or configure the private key that belongs to the registered public key.</source>
        <translation>%1拒绝了收银台的签名：%2 中的私钥与在%1登记的公钥不匹配。请在%1控制台上传与此私钥对应的公钥，或配置与已登记公钥对应的私钥。</translation>
    </message>
    <message>
        <source>%1 does not know this app: check %2.</source>
        <translation>%1无法识别该应用：请检查 %2。</translation>
    </message>
    <message>
        <source>%1 accepted the till&apos;s signature and its answer verified with %2.</source>
        <translation>%1已接受收银台的签名，其应答已通过 %2 验签。</translation>
    </message>
    <message>
        <source>%1 accepted the till&apos;s signature.</source>
        <translation>%1已接受收银台的签名。</translation>
    </message>
    <message>
        <source>%1 answered but refused the query: %2</source>
        <translation>%1已应答，但拒绝了查询：%2</translation>
    </message>
    <message>
        <source>%1 cannot be reached: %2 Check the network, proxy and firewall, and the gateway URL.</source>
        <translation>无法连接%1：%2 请检查网络、代理和防火墙，以及网关地址。</translation>
    </message>
    <message>
        <source>%1 answered, but its answer did not verify with %2: the %1 public key is wrong. Copy %1&apos;s public key again from %1&apos;s console (not the app&apos;s own public key).</source>
        <translation>%1已应答，但应答未能通过 %2 验签：%1公钥有误。请从%1控制台重新复制%1公钥（不是应用自己的公钥）。</translation>
    </message>
    <message>
        <source>%1 refused the request: %2</source>
        <translation>%1拒绝了请求：%2</translation>
    </message>
    <message>
        <source>%1 answered, but the answer says nothing about the keys: %2 Try again later.</source>
        <translation>%1已应答，但应答无法说明密钥是否正确：%2 请稍后再试。</translation>
    </message>
    <message>
        <source>WeChat Pay refused the till&apos;s request signature. Check [wechat] mch_id, merchant_serial_no (the serial of the merchant API certificate) and %1 (the key of that certificate).</source>
        <translation>微信支付拒绝了收银台的请求签名。请检查 [wechat] mch_id、merchant_serial_no（商户 API 证书的序列号）和 %1（该证书的私钥）。</translation>
    </message>
</context>
<context>
    <name>qpos::gb18030</name>
    <message>
        <source>This system cannot convert text to GB18030 (glibc&apos;s converter is missing). Reinstall the libc6 package.</source>
        <translation>本系统无法将文字转换为 GB18030（缺少 glibc 的转换器）。请重新安装 libc6 软件包。</translation>
    </message>
    <message>
        <source>The GB18030 converter stopped at byte %1. Reinstall the libc6 package.</source>
        <translation>GB18030 转换器在第 %1 字节处停止。请重新安装 libc6 软件包。</translation>
    </message>
</context>
<context>
    <name>qpos::link</name>
    <message>
        <source>This is not a valid enrollment code (%1). Copy the whole code that `qpos-server terminal add` printed, starting with QPOS1-.</source>
        <translation>这不是有效的注册码（%1）。请完整复制 `qpos-server terminal add` 打印的、以 QPOS1- 开头的注册码。</translation>
    </message>
    <message>
        <source>A push-link message could not be read (%1). The till and the store server may be of different versions.</source>
        <translation>无法读取推送连接的消息（%1）。收银台与门店服务器的版本可能不一致。</translation>
    </message>
    <message>
        <source>A push-link message is larger than 256 KiB and was refused.</source>
        <translation>推送连接的消息超过 256 KiB，已拒收。</translation>
    </message>
    <message>
        <source>The request&apos;s time differs from the server&apos;s by more than 5 minutes. Correct the till&apos;s clock (or the server&apos;s) and try again.</source>
        <translation>请求时间与服务器时间相差超过 5 分钟。请校正收银台（或服务器）的时钟后重试。</translation>
    </message>
    <message>
        <source>The request was already received once (the same nonce); a replayed request is refused.</source>
        <translation>该请求已收到过一次（相同的随机串）；重放的请求被拒绝。</translation>
    </message>
    <message>
        <source>The request&apos;s Authorization header is malformed (%1). Update the till, or enroll it again.</source>
        <translation>请求的 Authorization 头格式错误（%1）。请更新收银台，或重新注册。</translation>
    </message>
    <message>
        <source>The request carries no QPOS-HMAC-SHA256 Authorization header. Enroll the till with the store server first.</source>
        <translation>请求没有 QPOS-HMAC-SHA256 Authorization 头。请先将收银台注册到门店服务器。</translation>
    </message>
    <message>
        <source>An upload batch could not be read (%1); nothing of it was stored. The till and the store server may be of different versions.</source>
        <translation>无法读取上传批次（%1），其中任何内容都未保存。收银台与门店服务器的版本可能不一致。</translation>
    </message>
    <message>
        <source>An upload batch is larger than 64 KiB and was refused; send fewer entries at a time.</source>
        <translation>上传批次超过 64 KiB，已拒收；请每次发送更少的条目。</translation>
    </message>
    <message>
        <source>The store server&apos;s answer to an upload could not be read; the upload will be repeated. Check that the till and the server are of the same version.</source>
        <translation>无法读取门店服务器对上传的应答；将重新上传。请确认收银台与服务器的版本一致。</translation>
    </message>
    <message>
        <source>The store server at %1 sent an answer the till cannot read. Nothing was changed; check that the address is the store&apos;s qpos-server and that it is up to date.</source>
        <translation>门店服务器 %1 返回了收银台无法读取的应答。未做任何更改；请确认该地址是本店的 qpos-server，且版本为最新。</translation>
    </message>
    <message>
        <source>The store server at %1 presented a certificate other than the one in the enrollment code, so the till did not talk to it. If the server&apos;s certificate was replaced, enroll again with a new code; otherwise someone may be intercepting the connection.</source>
        <translation>门店服务器 %1 出示的证书不是注册码中的证书，收银台未与其通信。如果服务器证书已更换，请用新注册码重新注册；否则可能有人在拦截连接。</translation>
    </message>
    <message>
        <source>The store server at %1 cannot be reached (%2). The till keeps working and tries again later; check the network and that qpos-server is running.</source>
        <translation>无法连接门店服务器 %1（%2）。收银台照常工作，稍后会重试；请检查网络，并确认 qpos-server 正在运行。</translation>
    </message>
    <message>
        <source>The store server credentials in %1 cannot be read. Enroll the till again with a new code (qposctl enroll CODE, or Settings, Store server).</source>
        <translation>无法读取 %1 中的门店服务器凭据。请用新注册码重新注册收银台（qposctl enroll CODE，或“设置”中的“门店服务器”）。</translation>
    </message>
    <message>
        <source>The store server credentials could not be written to %1 (%2). Check that the directory exists and belongs to the till&apos;s user, then enroll again with a new code.</source>
        <translation>无法将门店服务器凭据写入 %1（%2）。请确认该目录存在且属于收银台的用户，然后用新注册码重新注册。</translation>
    </message>
    <message>
        <source>This till is not enrolled with the store server (%1 does not exist). Ask the store&apos;s administrator for an enrollment code and run qposctl enroll CODE, or paste it in Settings, Store server.</source>
        <translation>本收银台尚未在门店服务器注册（%1 不存在）。请向门店管理员索取注册码，然后运行 qposctl enroll CODE，或粘贴到“设置”中的“门店服务器”。</translation>
    </message>
    <message>
        <source>The store server credentials in %1 can be read by other users, so the till does not use them. Run chmod 600 %1 as the till&apos;s user, then restart the till.</source>
        <translation>%1 中的门店服务器凭据可被其他用户读取，收银台因此不使用它们。请以收银台的用户运行 chmod 600 %1，然后重启收银台。</translation>
    </message>
    <message>
        <source>cannot create the directory</source>
        <translation>无法创建目录</translation>
    </message>
    <message>
        <source>The store server says this code was already used (%1). A code enrolls one till once: ask the store&apos;s administrator for a new one (qpos-server terminal rotate).</source>
        <translation>门店服务器表示此注册码已被使用（%1）。一个注册码只能注册一台收银台一次：请向门店管理员索取新的注册码（qpos-server terminal rotate）。</translation>
    </message>
    <message>
        <source>The store server refused this code (%1). It may have been revoked or replaced, or the till&apos;s clock may be more than 5 minutes off: check the clock, then ask the store&apos;s administrator for a new code.</source>
        <translation>门店服务器拒绝了此注册码（%1）。它可能已被吊销或替换，或者收银台的时钟偏差超过 5 分钟：请检查时钟，然后向门店管理员索取新的注册码。</translation>
    </message>
    <message>
        <source>The store server could not enroll the till (HTTP %1). Nothing was changed; try again later or ask the store&apos;s administrator.</source>
        <translation>门店服务器无法注册本收银台（HTTP %1）。未做任何更改；请稍后重试或联系门店管理员。</translation>
    </message>
    <message>
        <source>This code is for store %1, terminal %2, but this till is store %3, terminal %4. Use the code made for this till, or correct [store] id and [terminal] id first.</source>
        <translation>此注册码属于门店 %1、终端 %2，但本收银台是门店 %3、终端 %4。请使用为本收银台生成的注册码，或先更正 [store] id 和 [terminal] id。</translation>
    </message>
    <message>
        <source>The till is enrolled (its credentials are in %1), but %2 could not be changed: %3
Set [store_server] url = %4 there by hand.</source>
        <translation>收银台已注册（凭据保存在 %1），但无法修改 %2：%3
请在该文件中手动设置 [store_server] url = %4。</translation>
    </message>
    <message>
        <source>The enrollment code in %1 can be read by other users, so the till does not use it. Make it the till user&apos;s alone (chown USER %1; chmod 600 %1); the till tries again by itself.</source>
        <translation>%1 中的注册码可被其他用户读取，因此收银台不会使用它。请让它只属于收银台的用户（chown USER %1; chmod 600 %1）；收银台会自行重试。</translation>
    </message>
    <message>
        <source>The till cannot read the enrollment code in %1. Make the file belong to the user the till runs as (chown USER %1; chmod 600 %1), holding only the code qpos-server terminal add printed.</source>
        <translation>收银台无法读取 %1 中的注册码。请让该文件属于运行收银台的用户（chown USER %1; chmod 600 %1），且只包含 qpos-server terminal add 打印的注册码。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>The till is enrolled, but the used enrollment code in %1 could not be deleted or emptied. Delete the file by hand; it enrolls nothing any more.</source>
        <translation>收银台已注册，但 %1 中用过的注册码无法删除或清空。请手动删除该文件；它已不能再注册任何收银台。</translation>
    </message>
    <message>
        <source>Another manager or the automatic check settled this difference first; nothing was changed. The list now shows who settled it.</source>
        <translation>另一位店长或自动核查已先处理了该差异；未做任何更改。列表现已显示处理人。</translation>
    </message>
    <message>
        <source>This difference is no longer in the batch (the bill was reconciled again); nothing was changed. Choose it again in the list read now.</source>
        <translation>该差异已不在此批次中（账单已重新对账）；未做任何更改。请在刚读取的列表中重新选择。</translation>
    </message>
    <message>
        <source>The store server at %1 refused this till&apos;s credentials (%2). Check that the till&apos;s clock is right; if it is, the till may have been revoked: enroll it again with a new code from the store&apos;s administrator.</source>
        <translation>位于 %1 的门店服务器拒绝了本收银台的凭据（%2）。请检查收银台的时钟是否准确；若时钟无误，本收银台可能已被注销：请向门店管理员索取新的注册码并重新注册。</translation>
    </message>
    <message>
        <source>The store server at %1 could not answer (%2). Nothing was changed; try again in a minute.</source>
        <translation>位于 %1 的门店服务器无法应答（%2）。未做任何更改；请一分钟后重试。</translation>
    </message>
    <message>
        <source>This till has no store server; enroll it with the code from qpos-server terminal add.</source>
        <translation>本收银台未接入门店服务器；请使用 qpos-server terminal add 给出的注册码进行注册。</translation>
    </message>
</context>
<context>
    <name>qpos::link::OutboxUploader</name>
    <message>
        <source>An order change is too large to upload to the store server (outbox row %1). Tell the till&apos;s supplier; the other changes wait behind it.</source>
        <translation>有一条订单变更过大，无法上传到门店服务器（待上传记录 %1）。请告知收银台供应商；其他变更排在它之后等待。</translation>
    </message>
    <message>
        <source>The store server refused the order upload (HTTP %1 %2). The orders stay on this till and are sent again later; if it goes on, run qposctl doctor.</source>
        <translation>门店服务器拒绝了订单上传（HTTP %1 %2）。订单保留在本收银台，稍后会重新发送；如果持续出现，请运行 qposctl doctor。</translation>
    </message>
</context>
<context>
    <name>qpos::money</name>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>enter an amount such as 12.34</source>
        <translation>请输入金额，例如 12.34</translation>
    </message>
    <message>
        <source>remove the spaces from the amount</source>
        <translation>请去掉金额中的空格</translation>
    </message>
    <message>
        <source>a negative amount is not allowed</source>
        <translation>金额不能为负数</translation>
    </message>
    <message>
        <source>write the amount without a &apos;+&apos; sign</source>
        <translation>金额前不要加“+”号</translation>
    </message>
    <message>
        <source>write the amount as plain digits, such as 12.34, not in exponent form</source>
        <translation>请用普通数字写金额，例如 12.34，不要用科学计数法</translation>
    </message>
    <message>
        <source>write the amount without thousands separators</source>
        <translation>金额中不要使用千位分隔符</translation>
    </message>
    <message>
        <source>only the digits 0-9 and one decimal point are allowed</source>
        <translation>只能使用数字 0-9 和一个小数点</translation>
    </message>
    <message>
        <source>only one decimal point is allowed</source>
        <translation>只能有一个小数点</translation>
    </message>
    <message>
        <source>write a digit before the decimal point, such as 0.50</source>
        <translation>小数点前要有数字，例如 0.50</translation>
    </message>
    <message>
        <source>write a digit after the decimal point, or leave the point out</source>
        <translation>小数点后要有数字，或者去掉小数点</translation>
    </message>
    <message>
        <source>at most two decimals (fen) are allowed</source>
        <translation>最多两位小数（精确到分）</translation>
    </message>
    <message>
        <source>remove the leading zeros</source>
        <translation>请去掉开头多余的 0</translation>
    </message>
    <message>
        <source>the largest amount allowed is %1</source>
        <translation>允许的最大金额为 %1</translation>
    </message>
    <message>
        <source>the amount must be at least 0.01</source>
        <translation>金额至少为 0.01</translation>
    </message>
    <message>
        <source>at most five decimals (a thousandth of a fen) are allowed</source>
        <translation>最多五位小数（千分之一分）</translation>
    </message>
</context>
<context>
    <name>qpos::printing::PrinterAddress</name>
    <message>
        <source>The receipt printer address &quot;%1&quot; is neither tcp://host:port nor a device file path such as /dev/usb/lp0. Correct [printer] url in Settings.</source>
        <translation>小票打印机地址“%1”既不是 tcp://主机:端口，也不是 /dev/usb/lp0 这样的设备文件路径。请在“设置”中更正 [printer] url。</translation>
    </message>
</context>
<context>
    <name>qpos::printing::PrinterTransport</name>
    <message>
        <source>The receipt printer at %1 does not answer (%2). Check that it is switched on and connected, then print again.</source>
        <translation>位于 %1 的小票打印机没有响应（%2）。请检查打印机已开机并已连接，然后重新打印。</translation>
    </message>
    <message>
        <source>The receipt printer at %1 did not take the job within %2 s. Check its paper and cover, then print again.</source>
        <translation>位于 %1 的小票打印机在 %2 秒内未接收打印任务。请检查纸张和纸仓盖，然后重新打印。</translation>
    </message>
    <message>
        <source>The receipt printer at %1 is out of paper. Put in a new roll, then print again.</source>
        <translation>位于 %1 的小票打印机缺纸。请装入新纸卷，然后重新打印。</translation>
    </message>
    <message>
        <source>no connection within %1 s</source>
        <translation>%1 秒内未能连接</translation>
    </message>
    <message>
        <source>The receipt printer at %1 closed the connection (%2). It may be busy with another till&apos;s job: print again.</source>
        <translation>位于 %1 的小票打印机关闭了连接（%2）。它可能正在打印其他收银台的任务：请重新打印。</translation>
    </message>
    <message>
        <source>The receipt printer at %1 stopped taking the job (%2). Check it, then print again.</source>
        <translation>位于 %1 的小票打印机停止接收打印任务（%2）。请检查打印机，然后重新打印。</translation>
    </message>
    <message>
        <source>The receipt printer&apos;s device %1 is not there. Check that the printer is plugged in and switched on, then print again.</source>
        <translation>小票打印机的设备 %1 不存在。请检查打印机已插好并已开机，然后重新打印。</translation>
    </message>
    <message>
        <source>This user may not write to the receipt printer&apos;s device %1. Add the till&apos;s user to the lp group (then log in again).</source>
        <translation>当前用户无权写入小票打印机的设备 %1。请将收银台的用户加入 lp 组（然后重新登录）。</translation>
    </message>
    <message>
        <source>The receipt printer&apos;s device %1 cannot be opened (%2).</source>
        <translation>无法打开小票打印机的设备 %1（%2）。</translation>
    </message>
    <message>
        <source>The receipt printer&apos;s device %1 refused the job (%2). Check the printer, then print again.</source>
        <translation>小票打印机的设备 %1 拒绝了打印任务（%2）。请检查打印机，然后重新打印。</translation>
    </message>
    <message>
        <source>The receipt printer&apos;s device %1 is not there. Check that the printer is plugged in and switched on.</source>
        <translation>小票打印机的设备 %1 不存在。请检查打印机已插好并已开机。</translation>
    </message>
    <message>
        <source>%1 is there and this user may write to it.</source>
        <translation>%1 存在，当前用户可以写入。</translation>
    </message>
    <message>
        <source>it did not answer the paper status query</source>
        <translation>它没有回应纸张状态查询</translation>
    </message>
    <message>
        <source>paper present</source>
        <translation>有纸</translation>
    </message>
    <message>
        <source>The receipt printer at %1 answers; %2.</source>
        <translation>位于 %1 的小票打印机有响应；%2。</translation>
    </message>
</context>
<context>
    <name>qpos::printing::ReceiptPrinter</name>
    <message>
        <source>No receipt printer is set up. A manager can set one in Settings → Printer.</source>
        <translation>尚未设置小票打印机。店长可在“设置 → 打印机”中设置。</translation>
    </message>
</context>
<context>
    <name>qpos::printing::ReportSlip</name>
    <message numerus="yes">
        <source>  %n sale(s)</source>
        <translation>
            <numerusform>  %n 笔销售</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>  %n refund(s)</source>
        <translation>
            <numerusform>  %n 笔退款</numerusform>
        </translation>
    </message>
    <message>
        <source>Gross</source>
        <translation>销售额</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>退款额</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>净额</translation>
    </message>
    <message>
        <source>Sales</source>
        <translation>销售笔数</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Average ticket</source>
        <translation>客单价</translation>
    </message>
    <message>
        <source>By channel</source>
        <translation>按渠道</translation>
    </message>
    <message>
        <source>By cashier</source>
        <translation>按收银员</translation>
    </message>
    <message>
        <source>By hour</source>
        <translation>按小时</translation>
    </message>
    <message>
        <source>By day</source>
        <translation>按日</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>  Approved by %1: %2</source>
        <translation>  批准人 %1：%2</translation>
    </message>
    <message>
        <source>Printed</source>
        <translation>打印时间</translation>
    </message>
    <message>
        <source>Z report No. %1</source>
        <translation>Z 报表 第 %1 号</translation>
    </message>
    <message>
        <source>Business day %1</source>
        <translation>营业日 %1</translation>
    </message>
    <message>
        <source>Covers %1 to %2</source>
        <translation>涵盖 %1 至 %2</translation>
    </message>
    <message>
        <source>Taken %1 by %2</source>
        <translation>%1 由 %2 生成</translation>
    </message>
</context>
<context>
    <name>qpos::printing::SaleReceipt</name>
    <message>
        <source>Order %1 is %2, not paid: a receipt is printed only for a paid order.</source>
        <translation>订单 %1 的状态为“%2”，未支付：只有已支付的订单才能打印小票。</translation>
    </message>
    <message>
        <source>Sales receipt</source>
        <translation>销售小票</translation>
    </message>
    <message>
        <source>** REPRINT **</source>
        <translation>** 重打 **</translation>
    </message>
    <message>
        <source>Order no.:</source>
        <translation>订单号：</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <source>Net paid</source>
        <translation>实付</translation>
    </message>
    <message>
        <source>Payment provider&apos;s trade no.:</source>
        <translation>支付机构交易号：</translation>
    </message>
    <message>
        <source>Reprinted</source>
        <translation>重打时间</translation>
    </message>
    <message>
        <source>Thank you!</source>
        <translation>谢谢惠顾！</translation>
    </message>
</context>
<context>
    <name>qpos::qr::QrCode</name>
    <message>
        <source>The payment link cannot be shown as a QR code (it is empty or longer than 2048 bytes). Cancel and charge again; if it happens again, contact support.</source>
        <translation>无法将支付链接显示为二维码（链接为空或超过 2048 字节）。请取消后重新收款；如再次出现，请联系技术支持。</translation>
    </message>
    <message>
        <source>The QR code could not be made. Cancel and charge again; if it happens again, contact support.</source>
        <translation>无法生成二维码。请取消后重新收款；如再次出现，请联系技术支持。</translation>
    </message>
</context>
<context>
    <name>qpos::reconcile</name>
    <message>
        <source>The bill lists this payment a second time.</source>
        <translation>账单第二次列出这笔支付。</translation>
    </message>
    <message>
        <source>The bill lists a payment of %1 yuan; this ledger has no such order.</source>
        <translation>账单列出一笔 %1 元的支付；本账本中没有这笔订单。</translation>
    </message>
    <message>
        <source>The bill lists a payment of %1 yuan; here the order is %2.</source>
        <translation>账单列出一笔 %1 元的支付；本店该订单为“%2”。</translation>
    </message>
    <message>
        <source>Paid %1 yuan here; the bill says %2 yuan.</source>
        <translation>本店收款 %1 元；账单为 %2 元。</translation>
    </message>
    <message>
        <source>Paid here; the bill lists the trade as %1.</source>
        <translation>本店已收款；账单中该交易为 %1。</translation>
    </message>
    <message>
        <source>The bill lists this refund a second time.</source>
        <translation>账单第二次列出这笔退款。</translation>
    </message>
    <message>
        <source>The bill lists a refund of %1 yuan that was not made from here.</source>
        <translation>账单列出一笔 %1 元的退款，但这笔退款不是本店发起的。</translation>
    </message>
    <message>
        <source>The bill lists a refund of %1 yuan; here the refund is not recorded as made (%2).</source>
        <translation>账单列出一笔 %1 元的退款；本店未记录该退款已完成（%2）。</translation>
    </message>
    <message>
        <source>Refunded %1 yuan here; the bill says %2 yuan.</source>
        <translation>本店退款 %1 元；账单为 %2 元。</translation>
    </message>
    <message>
        <source>Paid %1 yuan here on %2; the bills of %2 to %3 do not list it.</source>
        <translation>本店于 %2 收款 %1 元；%2 至 %3 的账单中都没有这笔支付。</translation>
    </message>
    <message>
        <source>Refunded %1 yuan here on %2; the bills of %2 to %3 do not list it.</source>
        <translation>本店于 %2 退款 %1 元；%2 至 %3 的账单中都没有这笔退款。</translation>
    </message>
    <message>
        <source>Paid here, not in the bill</source>
        <translation>本店已收款，账单中没有</translation>
    </message>
    <message>
        <source>In the bill, not paid here</source>
        <translation>账单中有，本店未收款</translation>
    </message>
    <message>
        <source>Different state</source>
        <translation>状态不一致</translation>
    </message>
    <message>
        <source>Different amount</source>
        <translation>金额不一致</translation>
    </message>
    <message>
        <source>Refund differs</source>
        <translation>退款不一致</translation>
    </message>
    <message>
        <source>Listed twice in the bill</source>
        <translation>账单中重复列出</translation>
    </message>
    <message>
        <source>reading the ledger for reconciliation</source>
        <translation>读取对账所用的账本</translation>
    </message>
    <message>
        <source>The order database %1 does not exist. Give the path of the till&apos;s order database.</source>
        <translation>订单数据库 %1 不存在。请提供收银台订单数据库的路径。</translation>
    </message>
    <message>
        <source>opening %1 to read it</source>
        <translation>以只读方式打开 %1</translation>
    </message>
    <message>
        <source>%1 is not an order database this version can reconcile. Start the till once with it, which upgrades it, then reconcile again.</source>
        <translation>%1 不是本版本可以对账的订单数据库。请先用它启动一次收银台（会自动升级），然后再对账。</translation>
    </message>
    <message>
        <source>The bill&apos;s summary gives %1 = %2, but its lines add up to %3: the file is damaged or cut short. Nothing was matched; download the bill again.</source>
        <translation>账单汇总中%1为 %2，但明细合计为 %3：文件已损坏或不完整。未进行任何核对；请重新下载账单。</translation>
    </message>
    <message>
        <source>The bill has no summary totals, so nothing shows that it is complete. Nothing was matched; download the bill again.</source>
        <translation>账单没有汇总合计，无法确认其完整。未进行任何核对；请重新下载账单。</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>字符串</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>a day written yyyy-MM-dd</source>
        <translation>yyyy-MM-dd 格式的日期</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a name this version knows</source>
        <translation>“%1”不是此版本可识别的名称</translation>
    </message>
    <message>
        <source>&quot;alipay&quot; or &quot;wechat&quot;</source>
        <translation>&quot;alipay&quot; 或 &quot;wechat&quot;</translation>
    </message>
    <message>
        <source>yuan with five decimals, such as &quot;-0.74040&quot;</source>
        <translation>以元为单位、保留五位小数的金额，例如 &quot;-0.74040&quot;</translation>
    </message>
    <message>
        <source>a whole number</source>
        <translation>整数</translation>
    </message>
    <message>
        <source>a whole number in the format&apos;s range</source>
        <translation>格式允许范围内的整数</translation>
    </message>
    <message>
        <source>it must be %1</source>
        <translation>应为%1</translation>
    </message>
    <message>
        <source>The reconciliation data&apos;s key &quot;%1&quot; is not valid: %2. Nothing was read; send it again from a matching version of qpos.</source>
        <translation>对账数据中的键“%1”无效：%2。未读取任何内容；请使用匹配版本的 qpos 重新发送。</translation>
    </message>
    <message>
        <source>The reconciliation data lacks the key &quot;%1&quot;. Nothing was read; send it again from a matching version of qpos.</source>
        <translation>对账数据缺少键“%1”。未读取任何内容；请使用匹配版本的 qpos 重新发送。</translation>
    </message>
    <message>
        <source>The run&apos;s verdicts do not match its items; the batch was not saved. Run the day again.</source>
        <translation>本次运行的判定结果与差异项不符；对账批次未保存。请重新对账该日。</translation>
    </message>
    <message>
        <source>Write a note saying how the difference was settled (for example the refund made or the call to the provider), then mark it handled.</source>
        <translation>请填写备注，说明差异的处理方式（例如已进行的退款或与支付机构的沟通），然后将其标记为已处理。</translation>
    </message>
    <message>
        <source>The note has %1 characters; shorten it to at most %2 and mark the difference handled again.</source>
        <translation>备注有 %1 个字符；请缩短至最多 %2 个字符，然后重新将差异标记为已处理。</translation>
    </message>
    <message>
        <source>A difference is marked handled by a manager: unlock with a manager&apos;s PIN and try again.</source>
        <translation>差异须由店长标记为已处理：请用店长密码解锁后重试。</translation>
    </message>
    <message>
        <source>Difference number %1 is already settled (%2); nothing was changed. Reload the batch to see how.</source>
        <translation>差异 %1 已处理（%2）；未做任何更改。请重新加载对账批次查看处理情况。</translation>
    </message>
    <message>
        <source>There is no difference number %1; reload the batch and choose it again.</source>
        <translation>不存在编号为 %1 的差异；请重新加载对账批次并重新选择。</translation>
    </message>
    <message>
        <source>Reconciled</source>
        <translation>已对账</translation>
    </message>
    <message>
        <source>Waiting for the bill</source>
        <translation>等待账单</translation>
    </message>
    <message>
        <source>Bill overdue</source>
        <translation>账单逾期</translation>
    </message>
    <message>
        <source>No bill (no trades)</source>
        <translation>无账单（无交易）</translation>
    </message>
    <message>
        <source>Bill unreadable</source>
        <translation>账单无法读取</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>Settled by the provider&apos;s answer</source>
        <translation>已按支付机构应答解决</translation>
    </message>
    <message>
        <source>Handled by a manager</source>
        <translation>已由店长处理</translation>
    </message>
    <message>
        <source>A reconciliation batch belongs to Alipay or WeChat Pay, not to %1; nothing was saved.</source>
        <translation>对账批次只能属于支付宝或微信支付，不能属于%1；未保存任何内容。</translation>
    </message>
    <message>
        <source>A reconciliation batch needs a valid China date; nothing was saved.</source>
        <translation>对账批次需要有效的日期（北京时间）；未保存任何内容。</translation>
    </message>
    <message>
        <source>preparing the reconciliation statements</source>
        <translation>准备对账 SQL 语句</translation>
    </message>
    <message>
        <source>The reconciliation store is not open; open the order database first.</source>
        <translation>对账存储未打开；请先打开订单数据库。</translation>
    </message>
    <message>
        <source>reading a reconciliation batch</source>
        <translation>读取对账批次</translation>
    </message>
    <message>
        <source>reading a holding pool</source>
        <translation>读取挂账池</translation>
    </message>
    <message>
        <source>saving a holding pool</source>
        <translation>保存挂账池</translation>
    </message>
    <message>
        <source>saving a reconciliation batch</source>
        <translation>保存对账批次</translation>
    </message>
    <message>
        <source>The run gave %1 differences but %2 verdicts and %3 evidence texts; nothing was saved. Run the day again.</source>
        <translation>本次运行产生了 %1 项差异，但有 %2 个判定结果和 %3 条依据文本；未保存任何内容。请重新对账该日。</translation>
    </message>
    <message>
        <source>Only a manager marks a difference handled, never a run; nothing was saved.</source>
        <translation>只有店长才能将差异标记为已处理，对账运行不能；未保存任何内容。</translation>
    </message>
    <message>
        <source>Give a valid first and last day to list reconciliation batches.</source>
        <translation>请提供有效的起止日期以列出对账批次。</translation>
    </message>
    <message>
        <source>reading the reconciliation batches</source>
        <translation>读取对账批次列表</translation>
    </message>
    <message>
        <source>reading a reconciliation batch&apos;s items</source>
        <translation>读取对账批次的差异项</translation>
    </message>
    <message>
        <source>marking a reconciliation difference handled</source>
        <translation>将对账差异标记为已处理</translation>
    </message>
    <message>
        <source>lines</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>payments</source>
        <translation>收款笔数</translation>
    </message>
    <message>
        <source>refunds</source>
        <translation>退款笔数</translation>
    </message>
    <message>
        <source>amount received</source>
        <translation>收款金额</translation>
    </message>
    <message>
        <source>amount refunded</source>
        <translation>退款金额</translation>
    </message>
    <message>
        <source>fees</source>
        <translation>手续费</translation>
    </message>
    <message>
        <source>marking a reconciliation difference settled</source>
        <translation>将对账差异标记为已处理</translation>
    </message>
    <message>
        <source>A run that matched no bill is saved without results; nothing was saved.</source>
        <translation>未匹配任何账单的对账运行须作为无结果运行保存；未保存任何内容。</translation>
    </message>
    <message>
        <source>A complete or no-bill batch is saved with its run&apos;s results, not as a run that matched nothing; nothing was saved.</source>
        <translation>完整或无账单的对账批次须连同对账结果一起保存，不能作为未匹配任何账单的运行保存；未保存任何内容。</translation>
    </message>
</context>
<context>
    <name>qpos::reconcile::BatchCsv</name>
    <message>
        <source>Reconciliation</source>
        <translation>对账</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>支付机构</translation>
    </message>
    <message>
        <source>Merchant</source>
        <translation>商户号</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Bill payments</source>
        <translation>账单收款笔数</translation>
    </message>
    <message>
        <source>Bill paid (yuan)</source>
        <translation>账单收款金额（元）</translation>
    </message>
    <message>
        <source>Bill refunds</source>
        <translation>账单退款笔数</translation>
    </message>
    <message>
        <source>Bill refunded (yuan)</source>
        <translation>账单退款金额（元）</translation>
    </message>
    <message>
        <source>Ledger payments</source>
        <translation>本店收款笔数</translation>
    </message>
    <message>
        <source>Ledger paid (yuan)</source>
        <translation>本店收款金额（元）</translation>
    </message>
    <message>
        <source>Ledger refunds</source>
        <translation>本店退款笔数</translation>
    </message>
    <message>
        <source>Ledger refunded (yuan)</source>
        <translation>本店退款金额（元）</translation>
    </message>
    <message>
        <source>Fee (yuan)</source>
        <translation>手续费（元）</translation>
    </message>
    <message>
        <source>Matched</source>
        <translation>已匹配</translation>
    </message>
    <message>
        <source>Waiting for later bills</source>
        <translation>挂账待后续账单</translation>
    </message>
    <message>
        <source>Differences</source>
        <translation>差异数</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>待处理差异数</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异类型</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Refund request</source>
        <translation>退款请求号</translation>
    </message>
    <message>
        <source>Ledger state</source>
        <translation>本店状态</translation>
    </message>
    <message>
        <source>Ledger amount (yuan)</source>
        <translation>本店金额（元）</translation>
    </message>
    <message>
        <source>Bill state</source>
        <translation>账单状态</translation>
    </message>
    <message>
        <source>Bill amount (yuan)</source>
        <translation>账单金额（元）</translation>
    </message>
    <message>
        <source>Provider&apos;s trade number</source>
        <translation>支付机构交易号</translation>
    </message>
    <message>
        <source>Bill line</source>
        <translation>账单行号</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Settled</source>
        <translation>处理情况</translation>
    </message>
    <message>
        <source>Provider&apos;s answer</source>
        <translation>支付机构应答</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Settled by</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Settled at</source>
        <translation>处理时间</translation>
    </message>
</context>
<context>
    <name>qpos::reconcile::DailyReconciliation</name>
    <message>
        <source>The bill could not be kept in %1 (%2). Free some disk space or fix the folder&apos;s permissions, then run the reconciliation again.</source>
        <translation>账单无法保存到 %1（%2）。请释放磁盘空间或修复该文件夹的权限，然后重新对账。</translation>
    </message>
    <message>
        <source>the folder cannot be created</source>
        <translation>无法创建文件夹</translation>
    </message>
    <message>
        <source>the file cannot be renamed</source>
        <translation>无法重命名文件</translation>
    </message>
    <message>
        <source>The %1 bill of %2 could not be downloaded: %3 Run the reconciliation again later; if this stays, ask IT to check the connection to %1.</source>
        <translation>%1 %2 的账单下载失败：%3 请稍后重新对账；如果问题持续，请联系 IT 检查与%1的连接。</translation>
    </message>
    <message>
        <source>%1 has still not made the bill of %2. Check the merchant platform, or ask %1&apos;s support why the bill is late.</source>
        <translation>%1 仍未生成 %2 的账单。请查看商户平台，或咨询%1客服账单为何延迟。</translation>
    </message>
    <message>
        <source>%1 has not made the bill of %2 yet. The reconciliation will try again later.</source>
        <translation>%1 尚未生成 %2 的账单。稍后将再次尝试对账。</translation>
    </message>
    <message>
        <source>%1 has no bill of %2: there was no payment or refund that day.</source>
        <translation>%1 没有 %2 的账单：当天没有收款或退款。</translation>
    </message>
    <message>
        <source>The %1 bill of %2 could not be reconciled: %3</source>
        <translation>%1 %2 的账单无法对账：%3</translation>
    </message>
    <message>
        <source>The %1 reconciliation of %2 could not be saved: %3</source>
        <translation>%1 %2 的对账结果无法保存：%3</translation>
    </message>
    <message>
        <source>The %1 bill of %2 agrees with the till.</source>
        <translation>%1 %2 的账单与收银台一致。</translation>
    </message>
    <message>
        <source>The %1 bill of %2 has %3 open difference(s). Look at each one and mark it handled once settled.</source>
        <translation>%1 %2 的账单有 %3 项待处理差异。请逐项查看，处理完毕后标记为已处理。</translation>
    </message>
    <message>
        <source>%1 The result could not be saved either: %2</source>
        <translation>%1 结果也无法保存：%2</translation>
    </message>
    <message>
        <source>%1 has no bill of %2 (no payment or refund that day), yet the till has %3 open difference(s) with it. Look at each one and mark it handled once settled.</source>
        <translation>%1 没有 %2 的账单（当天没有收款或退款），但本机与其有 %3 项待处理差异。请逐项查看，处理完毕后标记为已处理。</translation>
    </message>
    <message>
        <source>%1 has no bill of %2, yet the till has %3 payment(s) or refund(s) of that day: they wait for the next two days&apos; bills.</source>
        <translation>%1 没有 %2 的账单，但本机当天有 %3 笔收款或退款：将与之后两天的账单继续核对。</translation>
    </message>
</context>
<context>
    <name>qpos::reports::CashFigures</name>
    <message>
        <source>not counted yet</source>
        <translation>尚未清点</translation>
    </message>
    <message>
        <source>Opening float</source>
        <translation>备用金</translation>
    </message>
    <message>
        <source>Cash sales</source>
        <translation>现金销售</translation>
    </message>
    <message>
        <source>Cash refunds</source>
        <translation>现金退款</translation>
    </message>
    <message>
        <source>Expected in the drawer</source>
        <translation>钱箱应有</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>实点</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差额</translation>
    </message>
    <message>
        <source>Reason for the difference</source>
        <translation>差额原因</translation>
    </message>
</context>
<context>
    <name>qpos::reports::ReportBuilder</name>
    <message>
        <source>reading the report</source>
        <translation>读取报表</translation>
    </message>
    <message>
        <source>The order database is not open.</source>
        <translation>订单数据库未打开。</translation>
    </message>
</context>
<context>
    <name>qpos::reports::ReportCsv</name>
    <message>
        <source>Sales</source>
        <translation>笔数</translation>
    </message>
    <message>
        <source>Gross (yuan)</source>
        <translation>销售额（元）</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>退款笔数</translation>
    </message>
    <message>
        <source>Refunded (yuan)</source>
        <translation>退款额（元）</translation>
    </message>
    <message>
        <source>Net (yuan)</source>
        <translation>净额（元）</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Average ticket (yuan)</source>
        <translation>客单价（元）</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <source>Hour</source>
        <translation>小时</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Refunded at</source>
        <translation>退款时间</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Approved by</source>
        <translation>批准人</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Cash drawer</source>
        <translation>钱箱</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
</context>
<context>
    <name>qpos::reports::ReportPeriod</name>
    <message>
        <source>Choose both the first and the last day of the report.</source>
        <translation>请选择报表的开始日期和结束日期。</translation>
    </message>
    <message>
        <source>The first day (%1) is after the last day (%2): swap them.</source>
        <translation>开始日期（%1）晚于结束日期（%2）：请对调。</translation>
    </message>
    <message>
        <source>A report covers at most %1 days; %2 to %3 is %4. Choose a shorter range.</source>
        <translation>报表最多覆盖 %1 天；%2 至 %3 共 %4 天。请选择更短的范围。</translation>
    </message>
</context>
<context>
    <name>qpos::reports::SalesReport</name>
    <message>
        <source>A stored report could not be read: its figures are damaged. Keep the order database as it is and call IT.</source>
        <translation>无法读取已保存的报表：数据已损坏。请保持订单数据库原样并联系 IT。</translation>
    </message>
    <message>
        <source>(no cashier)</source>
        <translation>（无收银员）</translation>
    </message>
</context>
<context>
    <name>qpos::reports::ShiftBook</name>
    <message>
        <source>recording the shift</source>
        <translation>记录班次</translation>
    </message>
    <message>
        <source>There is no shift %1 on this till.</source>
        <translation>本收银台没有班次 %1。</translation>
    </message>
    <message>
        <source>A shift needs the cashier who logged in.</source>
        <translation>班次需要登录的收银员。</translation>
    </message>
    <message>
        <source>The opening cash float must be between 0.00 and %1. Count the drawer again.</source>
        <translation>开班备用金必须在 0.00 到 %1 之间。请重新清点钱箱。</translation>
    </message>
    <message>
        <source>The counted cash must be between 0.00 and %1. Count the drawer again.</source>
        <translation>清点的现金必须在 0.00 到 %1 之间。请重新清点钱箱。</translation>
    </message>
    <message>
        <source>The drawer holds %1 but %2 was expected (a difference of %3). Count again, or say why they differ; the shift stays open until then.</source>
        <translation>钱箱中有 %1，但应有 %2（差额 %3）。请重新清点，或说明差额原因；在此之前班次保持未结束。</translation>
    </message>
</context>
<context>
    <name>qpos::reports::ZReportBook</name>
    <message>
        <source>reading the Z reports</source>
        <translation>读取 Z 报表</translation>
    </message>
    <message>
        <source>A Z report needs the approving manager.</source>
        <translation>Z 报表需要批准的店长。</translation>
    </message>
    <message>
        <source>%1 payment(s) are still open and %2 change(s) are not uploaded yet. Wait for them, or take the Z anyway: whatever they bring later counts on the next business day.</source>
        <translation>%1 笔支付仍未完成，%2 条变更尚未上传。请等待它们完成，或仍然日结：之后的结果计入下一个营业日。</translation>
    </message>
    <message>
        <source>The Z report of %1 was already taken; a day is closed once. Reprint it from the list. Sales from now on count on %2.</source>
        <translation>%1 的 Z 报表已生成；每天只能日结一次。请从列表中重新打印。此后的销售计入 %2。</translation>
    </message>
    <message>
        <source>There is no Z report No. %1 on this till.</source>
        <translation>本收银台没有第 %1 号 Z 报表。</translation>
    </message>
    <message>
        <source>A shift&apos;s cash drawer is not counted yet: end that shift first, or the Z shows the cash expected, not counted.</source>
        <translation>某个班次的钱箱尚未清点：请先结束该班次，否则 Z 报表显示的是应有现金，而非清点所得。</translation>
    </message>
</context>
<context>
    <name>qpos::routing::ChannelRouting</name>
    <message>
        <source>This is not a payment code: a payment code has 16 to 24 digits. Ask the customer to open the payment code in the payment app and scan it again.</source>
        <translation>这不是付款码：付款码为 16 到 24 位数字。请顾客在支付应用中打开付款码，然后重新扫描。</translation>
    </message>
    <message>
        <source>This payment code is not from a payment app this till accepts. Ask the customer to show the Alipay or WeChat Pay payment code.</source>
        <translation>此付款码不属于本收银台支持的支付应用。请顾客出示支付宝或微信支付的付款码。</translation>
    </message>
    <message>
        <source>This is a %1 payment code, but this till does not take %1. Ask the customer to pay another way.</source>
        <translation>这是%1付款码，但本收银台不支持%1。请顾客改用其他方式支付。</translation>
    </message>
    <message>
        <source>This till does not take %1. Ask the customer to pay another way.</source>
        <translation>本收银台不支持%1。请顾客改用其他方式支付。</translation>
    </message>
    <message>
        <source>Split the sale into smaller payments.</source>
        <translation>请将这笔交易拆分为多笔较小的支付。</translation>
    </message>
    <message>
        <source>Ask the customer to pay with %1, or split the sale into smaller payments.</source>
        <translation>请顾客使用%1支付，或将这笔交易拆分为多笔较小的支付。</translation>
    </message>
    <message>
        <source>%1 takes at most %2 in one payment at this till, and this sale is %3. %4</source>
        <translation>在本收银台，%1单笔最多收款 %2，而这笔交易为 %3。%4</translation>
    </message>
</context>
<context>
    <name>qpos::routing::CodePrefixRange</name>
    <message>
        <source>the list has an empty entry (two commas in a row, or a comma at the start or end)</source>
        <translation>列表中有空项（连续两个逗号，或开头/结尾有逗号）</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a prefix or a range of prefixes</source>
        <translation>“%1”不是前缀或前缀范围</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: both ends of a range need the same number of digits</source>
        <translation>“%1”：范围两端的位数必须相同</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: a prefix has at most %2 digits</source>
        <translation>“%1”：前缀最多 %2 位</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: the range ends before it starts</source>
        <translation>“%1”：范围的结束值小于起始值</translation>
    </message>
    <message>
        <source>&quot;%1&quot; overlaps &quot;%2&quot;</source>
        <translation>“%1”与“%2”重叠</translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::AlipaySimulator</name>
    <message>
        <source>An app needs an app_id of at most 32 characters and an RSA public key.</source>
        <translation>应用需要不超过 32 个字符的 app_id 和一个 RSA 公钥。</translation>
    </message>
    <message>
        <source>No Alipay order %1.</source>
        <translation>没有支付宝订单 %1。</translation>
    </message>
    <message>
        <source>Several apps have an order %1; name the app_id.</source>
        <translation>多个应用都有订单 %1；请指定 app_id。</translation>
    </message>
    <message>
        <source>No Alipay order has that QR code.</source>
        <translation>没有支付宝订单使用该二维码。</translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::FaultRule</name>
    <message>
        <source>The fault is not valid: %1.</source>
        <translation>故障定义无效：%1。</translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::KeyFile</name>
    <message>
        <source>Cannot write the key file %1: %2.</source>
        <translation>无法写入密钥文件 %1：%2。</translation>
    </message>
    <message>
        <source>The key file %1 can be read by other users. Run &quot;chmod 600 %1&quot; and start again.</source>
        <translation>密钥文件 %1 可被其他用户读取。请运行“chmod 600 %1”后重新启动。</translation>
    </message>
    <message>
        <source>Cannot read the key file %1: %2.</source>
        <translation>无法读取密钥文件 %1：%2。</translation>
    </message>
    <message>
        <source>The key file %1 is not usable: %2</source>
        <translation>密钥文件 %1 不可用：%2</translation>
    </message>
    <message>
        <source>Cannot create the key directory %1.</source>
        <translation>无法创建密钥目录 %1。</translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::SandboxCa</name>
    <message>
        <source>The sandbox cannot make its HTTPS certificate (%1).</source>
        <translation>沙箱无法生成其 HTTPS 证书（%1）。</translation>
    </message>
    <message>
        <source>Cannot write %1; check the key directory.</source>
        <translation>无法写入 %1；请检查密钥目录。</translation>
    </message>
    <message>
        <source>The key file %1 can be read by other users. Run &quot;chmod 600 %1&quot; and start again.</source>
        <translation>密钥文件 %1 可被其他用户读取。请执行 &quot;chmod 600 %1&quot; 后重新启动。</translation>
    </message>
    <message>
        <source>Cannot read the sandbox CA %1 or its key; remove both files to make a new CA.</source>
        <translation>无法读取沙箱 CA %1 或其密钥；删除这两个文件即可生成新的 CA。</translation>
    </message>
    <message>
        <source>The sandbox CA %1 and its key do not belong together or are not PEM; remove both files to make a new CA.</source>
        <translation>沙箱 CA %1 与其密钥不匹配或不是 PEM 格式；删除这两个文件即可生成新的 CA。</translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::SandboxServer</name>
    <message>
        <source>The sandbox cannot listen on %1 port %2; is another program using it?</source>
        <translation>沙箱无法监听 %1 的端口 %2；是否有其他程序正在使用？</translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::SandboxShop</name>
    <message>
        <source>The demo shop did not start within %1 seconds. Close other programs and start the till again.</source>
        <translation>演示门店未能在 %1 秒内启动。请关闭其他程序后重新启动收银台。</translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::WechatSimulator</name>
    <message>
        <source>A WeChat merchant needs a mchid of 8 to 32 digits, an appid, an RSA public key, its serial number and a 32-character APIv3 key.</source>
        <translation>微信商户需要 8 到 32 位数字的 mchid、appid、RSA 公钥及其序列号，以及 32 个字符的 APIv3 密钥。</translation>
    </message>
    <message>
        <source>The notify URL is not a valid URL.</source>
        <translation>通知地址不是有效的网址。</translation>
    </message>
    <message>
        <source>No WeChat merchant %1.</source>
        <translation>没有微信商户 %1。</translation>
    </message>
    <message>
        <source>No WeChat Pay order %1.</source>
        <translation>没有微信支付订单 %1。</translation>
    </message>
    <message>
        <source>Several merchants have an order %1; name the mchid.</source>
        <translation>多个商户都有订单 %1；请指定 mchid。</translation>
    </message>
    <message>
        <source>No WeChat Pay order has that code_url.</source>
        <translation>没有微信支付订单使用该 code_url。</translation>
    </message>
</context>
<context>
    <name>qpos::sandbox::ZipArchive</name>
    <message>
        <source>The zip archive could not be %1: %2.</source>
        <translation>zip 压缩包操作失败（%1）：%2。</translation>
    </message>
</context>
<context>
    <name>qpos::server</name>
    <message>
        <source>Usage: qpos-server --config FILE reconcile --date yyyy-MM-dd|yesterday [--provider alipay|wechat] [--wait]</source>
        <translation>用法：qpos-server --config FILE reconcile --date yyyy-MM-dd|yesterday [--provider alipay|wechat] [--wait]</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a day: give --date yyyy-MM-dd (a China date) or --date yesterday.</source>
        <translation>“%1”不是日期：请用 --date yyyy-MM-dd（北京时间日期）或 --date yesterday 指定。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a provider: give --provider alipay or --provider wechat, or leave it out for both.</source>
        <translation>“%1”不是支付机构：请指定 --provider alipay 或 --provider wechat，或省略该选项以对账两者。</translation>
    </message>
    <message>
        <source>Neither [alipay] nor [wechat] is enabled in %1: there is no bill to reconcile.</source>
        <translation>%1 中 [alipay] 和 [wechat] 均未启用：没有需要对账的账单。</translation>
    </message>
    <message>
        <source>Set [reconcile] bill_dir in %1 to the folder where the bills are kept (e.g. /var/lib/qpos-server/bills): with PostgreSQL the server has no folder of its own.</source>
        <translation>请在 %1 中将 [reconcile] bill_dir 设为保存账单的文件夹（例如 /var/lib/qpos-server/bills）：使用 PostgreSQL 时，服务器没有自己的文件夹。</translation>
    </message>
    <message>
        <source>Downloading the %1 bills needs the merchant&apos;s signing keys, which %2 does not name: set %3 in its [%1] section (the same files the till uses), then run the reconciliation again.</source>
        <translation>下载 %1 账单需要商户的签名密钥，但 %2 中未指定：请在其 [%1] 节中设置 %3（与收银台使用的文件相同），然后重新对账。</translation>
    </message>
    <message>
        <source>[%1] enabled is not true in %2: the server takes no %1 payments, so it has no %1 bill to reconcile. Enable it with its keys, or leave out --provider %1.</source>
        <translation>%2 中的 [%1] enabled 不为 true：服务器不接受 %1 收款，因此没有 %1 账单需要对账。请启用它并配置密钥，或去掉 --provider %1。</translation>
    </message>
    <message>
        <source>Only Alipay and WeChat Pay have bills to reconcile.</source>
        <translation>只有支付宝和微信支付有需要对账的账单。</translation>
    </message>
    <message>
        <source>saving a reconciliation batch</source>
        <translation>保存对账批次</translation>
    </message>
    <message>
        <source>the batch&apos;s row is missing</source>
        <translation>缺少对账批次的记录行</translation>
    </message>
    <message>
        <source>saving a holding pool</source>
        <translation>保存挂账池</translation>
    </message>
</context>
<context>
    <name>qpos::server::ConnectionGuard</name>
    <message>
        <source>The request body is larger than %1 bytes and was refused; send less.</source>
        <translation>请求正文超过 %1 字节，已被拒绝；请减少发送的内容。</translation>
    </message>
    <message>
        <source>The request&apos;s headers are larger than %1 bytes and were refused.</source>
        <translation>请求头超过 %1 字节，已被拒绝。</translation>
    </message>
    <message>
        <source>The request&apos;s Content-Length is not a number.</source>
        <translation>请求的 Content-Length 不是数字。</translation>
    </message>
    <message>
        <source>This server takes no WebSocket connections here.</source>
        <translation>此服务器在此处不接受 WebSocket 连接。</translation>
    </message>
    <message>
        <source>The request did not arrive in full within %1 s and was dropped.</source>
        <translation>请求未能在 %1 秒内完整到达，已被丢弃。</translation>
    </message>
</context>
<context>
    <name>qpos::server::NotificationIntake</name>
    <message>
        <source>Alipay is not enabled on this server; set [alipay] enabled = true and its keys in the server&apos;s configuration.</source>
        <translation>此服务器未启用支付宝；请在服务器配置中设置 [alipay] enabled = true 及其密钥。</translation>
    </message>
    <message>
        <source>WeChat Pay is not enabled on this server; set [wechat] enabled = true and its keys in the server&apos;s configuration.</source>
        <translation>此服务器未启用微信支付；请在服务器配置中设置 [wechat] enabled = true 及其密钥。</translation>
    </message>
    <message>
        <source>The notification could not be recorded now; send it again.</source>
        <translation>暂时无法记录该通知；请重新发送。</translation>
    </message>
</context>
<context>
    <name>qpos::server::PostgresSchema</name>
    <message>
        <source>waiting for another server&apos;s schema upgrade</source>
        <translation>等待另一台服务器升级数据库结构</translation>
    </message>
    <message>
        <source>reading the schema version</source>
        <translation>读取数据库结构版本</translation>
    </message>
    <message>
        <source>starting a schema upgrade</source>
        <translation>开始升级数据库结构</translation>
    </message>
    <message>
        <source>The PostgreSQL database %1 was written by a newer qpos-server (schema %2; this program knows up to %3). Install the newer qpos-server on every instance; do not drop the database, it holds the notifications and orders.</source>
        <translation>PostgreSQL 数据库 %1 由更新版本的 qpos-server 写入（结构版本 %2；本程序最高支持 %3）。请在每个实例上安装更新版本的 qpos-server；不要删除该数据库，其中保存着通知和订单。</translation>
    </message>
    <message>
        <source>Upgrading the PostgreSQL database to schema %1 failed: %2</source>
        <translation>将 PostgreSQL 数据库升级到结构版本 %1 失败：%2</translation>
    </message>
    <message>
        <source>recording the schema version</source>
        <translation>记录数据库结构版本</translation>
    </message>
    <message>
        <source>committing a schema upgrade</source>
        <translation>提交数据库结构升级</translation>
    </message>
</context>
<context>
    <name>qpos::server::PostgresServerStore</name>
    <message>
        <source>Qt&apos;s PostgreSQL driver (QPSQL) is not installed, so [database] driver = postgresql cannot be used. Install the Debian package libqt6sql6-psql, or set driver = sqlite.</source>
        <translation>未安装 Qt 的 PostgreSQL 驱动（QPSQL），因此无法使用 [database] driver = postgresql。请安装 Debian 软件包 libqt6sql6-psql，或设置 driver = sqlite。</translation>
    </message>
    <message>
        <source>PostgreSQL at %1 port %2 refused the password of user %3 for database %4. Put the role&apos;s password in the file [database] password_file names (mode 0600), or set it again with ALTER ROLE.</source>
        <translation>位于 %1 端口 %2 的 PostgreSQL 拒绝了用户 %3 访问数据库 %4 的密码。请把该角色的密码写入 [database] password_file 指定的文件（权限 0600），或用 ALTER ROLE 重新设置密码。</translation>
    </message>
    <message>
        <source>listening for other servers&apos; messages</source>
        <translation>监听其他服务器的消息</translation>
    </message>
    <message>
        <source>Cannot connect to PostgreSQL at %1 port %2 (database %3, user %4): %5 Check [database] url (or host, port, name and user), and that the PostgreSQL server runs and accepts connections from this machine.</source>
        <translation>无法连接 %1 端口 %2 上的 PostgreSQL（数据库 %3，用户 %4）：%5 请检查 [database] url（或 host、port、name 和 user），并确认 PostgreSQL 服务器正在运行且接受来自本机的连接。</translation>
    </message>
</context>
<context>
    <name>qpos::server::PostgresUrl</name>
    <message>
        <source>it is not a PostgreSQL connection URL. Write it as postgresql://user@host:port/dbname, optionally followed by ?sslmode=verify-full&amp;sslrootcert=/etc/qpos/pg-ca.pem.</source>
        <translation>它不是 PostgreSQL 连接 URL。请写成 postgresql://user@host:port/dbname，后面可加 ?sslmode=verify-full&amp;sslrootcert=/etc/qpos/pg-ca.pem。</translation>
    </message>
    <message>
        <source>it holds a password, and a password is never kept in this file. Remove it from the URL, write it into a file only the server&apos;s user can read (chmod 600) and name that file with password_file.</source>
        <translation>它包含密码，而本文件中绝不保存密码。请从 URL 中删除密码，把它写入只有服务器用户可读的文件（chmod 600），并用 password_file 指定该文件。</translation>
    </message>
    <message>
        <source>libpq cannot read it (%1). Write it as postgresql://user@host:port/dbname?keyword=value, with characters such as @, :, / and spaces percent-encoded (%40, %3A, %2F, %20).</source>
        <translation>libpq 无法解析它（%1）。请写成 postgresql://user@host:port/dbname?keyword=value，其中 @、:、/ 和空格等字符需进行百分号编码（%40、%3A、%2F、%20）。</translation>
    </message>
    <message>
        <source>it names several hosts; qpos-server connects to one. Name the primary server only.</source>
        <translation>它指定了多个主机；qpos-server 只连接一个。请只写主服务器。</translation>
    </message>
    <message>
        <source>it names several ports; qpos-server connects to one host on one port.</source>
        <translation>它指定了多个端口；qpos-server 只连接一个主机的一个端口。</translation>
    </message>
    <message>
        <source>its port &quot;%1&quot; is not a whole number from 1 to 65535.</source>
        <translation>其端口“%1”不是 1 到 65535 之间的整数。</translation>
    </message>
    <message>
        <source>it holds a password, and a password is never kept in this file. Write it into a file only the server&apos;s user can read (chmod 600) and name that file with password_file.</source>
        <translation>它包含密码，而本文件中绝不保存密码。请把密码写入只有服务器用户可读的文件（chmod 600），并用 password_file 指定该文件。</translation>
    </message>
    <message>
        <source>the value of %1 contains a semicolon, which Qt&apos;s PostgreSQL driver cannot pass on. Rename the file or value without it.</source>
        <translation>%1 的值含有分号，Qt 的 PostgreSQL 驱动无法传递。请改用不含分号的文件名或值。</translation>
    </message>
    <message>
        <source>it names no database. Add it after the host: postgresql://qpos@db.example.cn/qpos_server.</source>
        <translation>它没有指定数据库。请在主机后添加：postgresql://qpos@db.example.cn/qpos_server。</translation>
    </message>
    <message>
        <source>it names no user. Add the role before the host: postgresql://qpos@db.example.cn/qpos_server.</source>
        <translation>它没有指定用户。请在主机前添加角色：postgresql://qpos@db.example.cn/qpos_server。</translation>
    </message>
</context>
<context>
    <name>qpos::server::QposServer</name>
    <message>
        <source>Cannot listen on %1 port %2: %3. Choose another [server] listen address or stop the program that holds it.</source>
        <translation>无法监听 %1 的端口 %2：%3。请为 [server] listen 选择其他地址，或停止占用该端口的程序。</translation>
    </message>
    <message>
        <source>There is no WebSocket endpoint at %1; the push link is GET /v1/link.</source>
        <translation>%1 处没有 WebSocket 端点；推送连接为 GET /v1/link。</translation>
    </message>
    <message>
        <source>%1 takes only %2 requests.</source>
        <translation>%1 只接受 %2 请求。</translation>
    </message>
    <message>
        <source>/v1/link is the push link: open it as a WebSocket.</source>
        <translation>/v1/link 是推送连接：请以 WebSocket 方式打开。</translation>
    </message>
    <message>
        <source>There is nothing at %1; see docs/server.md for the endpoints.</source>
        <translation>%1 处没有任何内容；端点列表见 docs/server.md。</translation>
    </message>
</context>
<context>
    <name>qpos::server::ReconcileApi</name>
    <message>
        <source>The server could not read or save the reconciliation now; nothing was changed. Try again in a minute.</source>
        <translation>服务器暂时无法读取或保存对账数据；未做任何更改。请一分钟后重试。</translation>
    </message>
    <message>
        <source>%1 takes only %2 requests.</source>
        <translation>%1 只接受 %2 请求。</translation>
    </message>
    <message>
        <source>There is nothing at %1; see docs/server.md for the reconciliation endpoints.</source>
        <translation>%1 处没有内容；对账接口请参见 docs/server.md。</translation>
    </message>
    <message>
        <source>Give the first and last day as from=yyyy-MM-dd&amp;to=yyyy-MM-dd (China dates, e.g. from=2026-11-01&amp;to=2026-11-30); got from=&quot;%1&quot; to=&quot;%2&quot;.</source>
        <translation>请以 from=yyyy-MM-dd&amp;to=yyyy-MM-dd 指定起止日期（北京时间日期，例如 from=2026-11-01&amp;to=2026-11-30）；收到的是 from=&quot;%1&quot; to=&quot;%2&quot;。</translation>
    </message>
    <message>
        <source>The last day (%1) is before the first (%2); swap them.</source>
        <translation>结束日期（%1）早于起始日期（%2）；请交换两者。</translation>
    </message>
    <message>
        <source>Ask for at most %1 days at a time (%2 to %3 is %4 days); split the range.</source>
        <translation>每次最多查询 %1 天（%2 至 %3 共 %4 天）；请拆分日期范围。</translation>
    </message>
    <message>
        <source>There is no reconciliation batch %1; list the batches again and choose one of them.</source>
        <translation>不存在对账批次 %1；请重新列出对账批次并从中选择。</translation>
    </message>
    <message>
        <source>The request has %1 bytes; at most %2 are taken. Shorten the note to at most %3 characters.</source>
        <translation>请求有 %1 字节；最多接受 %2 字节。请将备注缩短至最多 %3 个字符。</translation>
    </message>
    <message>
        <source>There is no difference number %1; reload the batch and choose it again.</source>
        <translation>不存在编号为 %1 的差异；请重新加载对账批次并重新选择。</translation>
    </message>
    <message>
        <source>Send a JSON object {&quot;staff_id&quot;: &quot;…&quot;, &quot;note&quot;: &quot;…&quot;}: the manager&apos;s staff id and a note saying how the difference was settled. Nothing was changed.</source>
        <translation>请发送 JSON 对象 {&quot;staff_id&quot;: &quot;…&quot;, &quot;note&quot;: &quot;…&quot;}：店长的员工编号，以及说明差异处理方式的备注。未做任何更改。</translation>
    </message>
</context>
<context>
    <name>qpos::server::ReconcileRunner</name>
    <message>
        <source>No %1 client was built.</source>
        <translation>未创建 %1 客户端。</translation>
    </message>
</context>
<context>
    <name>qpos::server::ReportsApi</name>
    <message>
        <source>There is nothing at %1; see docs/server.md for the reports endpoint.</source>
        <translation>%1 处没有内容；报表接口请参阅 docs/server.md。</translation>
    </message>
    <message>
        <source>%1 takes only GET requests.</source>
        <translation>%1 只接受 GET 请求。</translation>
    </message>
    <message>
        <source>Give the first and last day as from=yyyy-MM-dd&amp;to=yyyy-MM-dd (China dates, e.g. from=2026-11-01&amp;to=2026-11-30); got from=&quot;%1&quot; to=&quot;%2&quot;.</source>
        <translation>请以 from=yyyy-MM-dd&amp;to=yyyy-MM-dd 指定起止日期（北京时间日期，例如 from=2026-11-01&amp;to=2026-11-30）；收到的是 from=&quot;%1&quot; to=&quot;%2&quot;。</translation>
    </message>
    <message>
        <source>The server could not read the sales now. Try again in a minute.</source>
        <translation>服务器目前无法读取销售数据。请一分钟后重试。</translation>
    </message>
</context>
<context>
    <name>qpos::server::RequestAuthenticator</name>
    <message>
        <source>The server cannot read its database now; try again shortly.</source>
        <translation>服务器暂时无法读取其数据库；请稍后重试。</translation>
    </message>
    <message>
        <source>The server has no terminal %1/%2 with key %3. Enroll the till again with a new code from &quot;qpos-server terminal add&quot;.</source>
        <translation>服务器上没有使用密钥 %3 的终端 %1/%2。请用“qpos-server terminal add”生成的新注册码重新注册收银台。</translation>
    </message>
    <message>
        <source>Terminal %1/%2 was revoked, or this key was replaced and its grace period is over. Enroll the till again with a new code.</source>
        <translation>终端 %1/%2 已被吊销，或此密钥已被替换且宽限期已过。请用新的注册码重新注册收银台。</translation>
    </message>
    <message>
        <source>The request&apos;s signature does not match. Check that the till holds the terminal&apos;s current secret, or enroll it again.</source>
        <translation>请求签名不匹配。请确认收银台持有该终端当前的密钥，或重新注册。</translation>
    </message>
</context>
<context>
    <name>qpos::server::ServerBatchStore</name>
    <message>
        <source>reading a reconciliation batch</source>
        <translation>读取对账批次</translation>
    </message>
    <message>
        <source>saving a reconciliation batch</source>
        <translation>保存对账批次</translation>
    </message>
    <message>
        <source>reading a holding pool</source>
        <translation>读取挂账池</translation>
    </message>
    <message>
        <source>The run gave %1 differences but %2 verdicts and %3 evidence texts; nothing was saved. Run the day again.</source>
        <translation>本次运行产生了 %1 项差异，但有 %2 个判定结果和 %3 条依据文本；未保存任何内容。请重新对账该日。</translation>
    </message>
    <message>
        <source>Only a manager marks a difference handled, never a run; nothing was saved.</source>
        <translation>只有店长才能将差异标记为已处理，对账运行不能；未保存任何内容。</translation>
    </message>
    <message>
        <source>Give a valid first and last day to list reconciliation batches.</source>
        <translation>请提供有效的起止日期以列出对账批次。</translation>
    </message>
    <message>
        <source>Write a note saying how the difference was settled (for example the refund made or the call to the provider), then mark it handled.</source>
        <translation>请填写备注，说明差异的处理方式（例如已进行的退款或与支付机构的沟通），然后将其标记为已处理。</translation>
    </message>
    <message>
        <source>The note has %1 characters; shorten it to at most %2 and mark the difference handled again.</source>
        <translation>备注有 %1 个字符；请缩短至最多 %2 个字符，然后重新将差异标记为已处理。</translation>
    </message>
    <message>
        <source>A difference is marked handled by a manager: give the manager&apos;s staff id and try again.</source>
        <translation>差异须由店长标记为已处理：请提供店长的员工编号后重试。</translation>
    </message>
    <message>
        <source>marking a reconciliation difference handled</source>
        <translation>将对账差异标记为已处理</translation>
    </message>
    <message>
        <source>marking a reconciliation difference settled</source>
        <translation>将对账差异标记为已处理</translation>
    </message>
    <message>
        <source>recording a reconciliation difference&apos;s evidence</source>
        <translation>记录对账差异的证据</translation>
    </message>
</context>
<context>
    <name>qpos::server::ServerCommand</name>
    <message>
        <source>Terminal %1/%2 revoked.</source>
        <translation>终端 %1/%2 已吊销。</translation>
    </message>
    <message>
        <source>store	terminal	keys	created	enrolled	revoked</source>
        <translation>门店	终端	密钥	创建时间	注册时间	吊销时间</translation>
    </message>
    <message>
        <source>Usage: qpos-server --config FILE
       qpos-server --version
       qpos-server --config FILE terminal add --store S001 --terminal T07
       qpos-server --config FILE terminal rotate --store S001 --terminal T07
       qpos-server --config FILE terminal revoke --store S001 --terminal T07
       qpos-server --config FILE terminal list
       qpos-server --config FILE reconcile --date yyyy-MM-dd|yesterday
                   [--provider alipay|wechat] [--wait]
See docs/server.md.</source>
        <translation>用法：qpos-server --config FILE
      qpos-server --version
      qpos-server --config FILE terminal add --store S001 --terminal T07
      qpos-server --config FILE terminal rotate --store S001 --terminal T07
      qpos-server --config FILE terminal revoke --store S001 --terminal T07
      qpos-server --config FILE terminal list
      qpos-server --config FILE reconcile --date yyyy-MM-dd|yesterday
                  [--provider alipay|wechat] [--wait]
参见 docs/server.md。</translation>
    </message>
</context>
<context>
    <name>qpos::server::ServerConfig</name>
    <message>
        <source>%1, line %2, [%3] %4: %5</source>
        <translation>%1，第 %2 行，[%3] %4：%5</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a whole number from %2 to %3.</source>
        <translation>“%1”不是 %2 到 %3 之间的整数。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an address and port such as 0.0.0.0:8443 or [::1]:8443.</source>
        <translation>“%1”不是地址加端口，例如 0.0.0.0:8443 或 [::1]:8443。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an http or https address such as https://pos.example.com:8443.</source>
        <translation>“%1”不是 http 或 https 地址，例如 https://pos.example.com:8443。</translation>
    </message>
    <message>
        <source>the database file may not be empty.</source>
        <translation>数据库文件不能为空。</translation>
    </message>
    <message>
        <source>%1 Allowed: %2.</source>
        <translation>%1 允许的值：%2。</translation>
    </message>
    <message>
        <source>qpos-server has no such key; check its spelling against docs/server.md, or remove it.</source>
        <translation>qpos-server 没有此配置项；请对照 docs/server.md 检查拼写，或将其删除。</translation>
    </message>
    <message>
        <source>%1: %2 is required %3.</source>
        <translation>%1：%3必须设置 %2。</translation>
    </message>
    <message>
        <source>The configuration file %1 does not exist. Give the path of the server&apos;s configuration with --config (docs/server.md has a sample).</source>
        <translation>配置文件 %1 不存在。请用 --config 指定服务器配置文件的路径（docs/server.md 中有示例）。</translation>
    </message>
    <message>
        <source>(the server&apos;s SQLite file)</source>
        <translation>（服务器的 SQLite 文件）</translation>
    </message>
    <message>
        <source>%1: set both [server] tls_cert and tls_key to serve HTTPS, or neither to serve plain HTTP behind a reverse proxy.</source>
        <translation>%1：要提供 HTTPS，请同时设置 [server] tls_cert 和 tls_key；若在反向代理后提供明文 HTTP，则两者都不设置。</translation>
    </message>
    <message>
        <source>when [alipay] enabled is true</source>
        <translation>在 [alipay] enabled 为 true 时</translation>
    </message>
    <message>
        <source>when [alipay] cert_mode is true</source>
        <translation>在 [alipay] cert_mode 为 true 时</translation>
    </message>
    <message>
        <source>when [wechat] enabled is true</source>
        <translation>在 [wechat] enabled 为 true 时</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a database driver; use sqlite or postgresql.</source>
        <translation>“%1”不是数据库驱动；请使用 sqlite 或 postgresql。</translation>
    </message>
    <message>
        <source>the password file %1 does not exist. Write the PostgreSQL role&apos;s password into it and chmod 600 it.</source>
        <translation>密码文件 %1 不存在。请把 PostgreSQL 角色的密码写入该文件，并执行 chmod 600。</translation>
    </message>
    <message>
        <source>a password is never kept in this file. Write it into a file only the server&apos;s user can read (chmod 600) and name that file with password_file.</source>
        <translation>密码绝不保存在此文件中。请把密码写入只有服务器用户可读的文件（chmod 600），并用 password_file 指定该文件。</translation>
    </message>
    <message>
        <source>this key is for PostgreSQL; set driver = postgresql, or remove it.</source>
        <translation>此项用于 PostgreSQL；请设置 driver = postgresql，或删除此项。</translation>
    </message>
    <message>
        <source>path is SQLite&apos;s file; with driver = postgresql remove it.</source>
        <translation>path 是 SQLite 的文件；使用 driver = postgresql 时请删除此项。</translation>
    </message>
    <message>
        <source>when [database] driver is postgresql</source>
        <translation>当 [database] driver 为 postgresql 时</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a China time of day such as 18:00.</source>
        <translation>“%1”不是形如 18:00 的北京时间。</translation>
    </message>
    <message>
        <source>qpos-server has no section [%1]; the sections are [server], [database], [log], [reconcile], [alipay] and [wechat].</source>
        <translation>qpos-server 没有 [%1] 节；可用的节为 [server]、[database]、[log]、[reconcile]、[alipay] 和 [wechat]。</translation>
    </message>
    <message>
        <source>url is a PostgreSQL database; remove driver, or remove url to use SQLite.</source>
        <translation>url 指向 PostgreSQL 数据库；请删除 driver，或删除 url 以使用 SQLite。</translation>
    </message>
    <message>
        <source>url (line %1) names the database already. Keep url and move this setting into it (libpq keywords go in its query: ?sslmode=verify-full), or remove url and keep the separate keys.</source>
        <translation>url（第 %1 行）已指定了数据库。请保留 url 并把此设置移入其中（libpq 关键字写在查询部分：?sslmode=verify-full），或删除 url 而保留各个单独的键。</translation>
    </message>
</context>
<context>
    <name>qpos::server::ServerJanitor</name>
    <message>
        <source>no client of the provider</source>
        <translation>没有该支付机构的客户端</translation>
    </message>
    <message>
        <source>the provider does not confirm the bill</source>
        <translation>支付机构未确认账单</translation>
    </message>
    <message>
        <source>no till of this store owns the order</source>
        <translation>本门店没有收银台拥有该订单</translation>
    </message>
</context>
<context>
    <name>qpos::server::ServerLedger</name>
    <message>
        <source>reading the orders for reconciliation</source>
        <translation>读取对账所用的订单</translation>
    </message>
    <message>
        <source>The store server keeps the orders of %1 merchant account &quot;%2&quot; only, not of &quot;%3&quot;. Check the merchant id in the server&apos;s [%1] section.</source>
        <translation>门店服务器只保存 %1 商户号“%2”的订单，不保存“%3”的订单。请检查服务器 [%1] 节中的商户号。</translation>
    </message>
</context>
<context>
    <name>qpos::server::ServerSchema</name>
    <message>
        <source>reading the schema version</source>
        <translation>读取数据库结构版本</translation>
    </message>
    <message>
        <source>The server database %1 was written by a newer qpos-server (schema %2; this program knows up to %3). Install the newer qpos-server again; do not delete the file, it holds the notifications and orders.</source>
        <translation>服务器数据库 %1 由更新版本的 qpos-server 写入（结构版本 %2；本程序最高支持 %3）。请重新安装较新的 qpos-server；不要删除该文件，其中保存着通知和订单。</translation>
    </message>
    <message>
        <source>Upgrading the server database to schema %1 failed: %2</source>
        <translation>将服务器数据库升级到结构版本 %1 失败：%2</translation>
    </message>
</context>
<context>
    <name>qpos::server::ServerStore</name>
    <message>
        <source>The server database is not open.</source>
        <translation>服务器数据库未打开。</translation>
    </message>
    <message>
        <source>checking the database</source>
        <translation>检查数据库</translation>
    </message>
    <message>
        <source>finding the till that owns an order</source>
        <translation>查找订单所属的收银台</translation>
    </message>
    <message>
        <source>reading a notification&apos;s order</source>
        <translation>读取通知对应的订单</translation>
    </message>
    <message>
        <source>recording a notification</source>
        <translation>记录通知</translation>
    </message>
    <message>
        <source>finding a recorded notification</source>
        <translation>查找已记录的通知</translation>
    </message>
    <message>
        <source>queueing a notification for its till</source>
        <translation>将通知排入其收银台的队列</translation>
    </message>
    <message>
        <source>reading a notification</source>
        <translation>读取通知</translation>
    </message>
    <message>
        <source>reading an order</source>
        <translation>读取订单</translation>
    </message>
    <message>
        <source>counting orders not uploaded</source>
        <translation>统计尚未上传的订单</translation>
    </message>
    <message>
        <source>adding a terminal</source>
        <translation>添加终端</translation>
    </message>
    <message>
        <source>Terminal %1/%2 exists already. Use &quot;terminal rotate&quot; for a new secret, or choose another terminal id.</source>
        <translation>终端 %1/%2 已存在。如需新密钥请使用“terminal rotate”，或选择其他终端编号。</translation>
    </message>
    <message>
        <source>storing a terminal&apos;s secret</source>
        <translation>保存终端密钥</translation>
    </message>
    <message>
        <source>reading terminals</source>
        <translation>读取终端</translation>
    </message>
    <message>
        <source>reading a terminal&apos;s secrets</source>
        <translation>读取终端密钥</translation>
    </message>
    <message>
        <source>There is no active terminal %1/%2. &quot;terminal list&quot; shows them; add it with &quot;terminal add&quot;.</source>
        <translation>没有有效的终端 %1/%2。“terminal list”可列出所有终端；请用“terminal add”添加。</translation>
    </message>
    <message>
        <source>ending a terminal&apos;s old secret</source>
        <translation>停用终端的旧密钥</translation>
    </message>
    <message>
        <source>revoking a terminal</source>
        <translation>吊销终端</translation>
    </message>
    <message>
        <source>There is no active terminal %1/%2. &quot;terminal list&quot; shows them.</source>
        <translation>没有有效的终端 %1/%2。“terminal list”可列出所有终端。</translation>
    </message>
    <message>
        <source>recording an enrollment</source>
        <translation>记录注册</translation>
    </message>
    <message>
        <source>storing an uploaded entry</source>
        <translation>保存上传的记录</translation>
    </message>
    <message>
        <source>storing an order</source>
        <translation>保存订单</translation>
    </message>
    <message>
        <source>updating an order</source>
        <translation>更新订单</translation>
    </message>
    <message>
        <source>matching notifications with an order</source>
        <translation>将通知与订单匹配</translation>
    </message>
    <message>
        <source>reading the uploaded sequence</source>
        <translation>读取已上传的序号</translation>
    </message>
    <message>
        <source>reading unacknowledged messages</source>
        <translation>读取未确认的消息</translation>
    </message>
    <message>
        <source>recording an acknowledgement</source>
        <translation>记录确认</translation>
    </message>
    <message>
        <source>reading a relay message</source>
        <translation>读取转发消息</translation>
    </message>
    <message>
        <source>locking an order</source>
        <translation>锁定订单</translation>
    </message>
    <message>
        <source>starting a transaction</source>
        <translation>开始事务</translation>
    </message>
    <message>
        <source>committing</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>announcing a message for a till</source>
        <translation>通知收银台有新消息</translation>
    </message>
    <message>
        <source>recording an order for reconciliation</source>
        <translation>记录订单以供对账</translation>
    </message>
    <message>
        <source>reading the database</source>
        <translation>读取数据库</translation>
    </message>
    <message>
        <source>it is not open</source>
        <translation>未打开</translation>
    </message>
</context>
<context>
    <name>qpos::server::ServerTls</name>
    <message>
        <source>%1 holds no PEM certificate. Set [server] tls_cert to the server&apos;s certificate file (PEM, the server&apos;s certificate first).</source>
        <translation>%1 中没有 PEM 证书。请将 [server] tls_cert 设为服务器的证书文件（PEM 格式，服务器证书在前）。</translation>
    </message>
    <message>
        <source>%1 holds no unencrypted PEM RSA or EC private key. Set [server] tls_key to the key of the certificate in tls_cert.</source>
        <translation>%1 中没有未加密的 PEM 格式 RSA 或 EC 私钥。请将 [server] tls_key 设为 tls_cert 中证书对应的私钥。</translation>
    </message>
</context>
<context>
    <name>qpos::server::SettleRequests</name>
    <message>
        <source>reading the settle requests</source>
        <translation>读取结算请求</translation>
    </message>
    <message>
        <source>recording a settle request</source>
        <translation>记录结算请求</translation>
    </message>
    <message>
        <source>till %1 could not settle (%2)</source>
        <translation>收银台 %1 无法结算（%2）</translation>
    </message>
    <message>
        <source>till %1 has no such order (its provider: %2)</source>
        <translation>收银台 %1 没有该订单（其支付机构：%2）</translation>
    </message>
    <message>
        <source>till %1 settled: order %2 (its provider: %3)</source>
        <translation>收银台 %1 已结算：订单 %2（其支付机构：%3）</translation>
    </message>
    <message>
        <source>settle sent to %1/%2, waiting</source>
        <translation>已向 %1/%2 发送结算请求，等待中</translation>
    </message>
    <message>
        <source>till %1 did not record refund %2 (its provider: %3)</source>
        <translation>收银台 %1 未记录退款 %2（其支付机构：%3）</translation>
    </message>
    <message>
        <source>till %1 settled: refund %2 %3 (its provider: %4)</source>
        <translation>收银台 %1 已结算：退款 %2 %3（其支付机构：%4）</translation>
    </message>
    <message>
        <source>till %1 cannot record refunds made at the provider; update its software</source>
        <translation>收银台 %1 无法记录在支付机构发起的退款；请升级其软件</translation>
    </message>
</context>
<context>
    <name>qpos::server::StoreSalesReport</name>
    <message>
        <source>reading the store&apos;s sales report</source>
        <translation>读取门店销售报表</translation>
    </message>
    <message>
        <source>The store server keeps no shifts; ask for a range of days.</source>
        <translation>门店服务器不保存班次；请按日期范围查询。</translation>
    </message>
</context>
<context>
    <name>qpos::server::TerminalAdmin</name>
    <message>
        <source>&quot;%1&quot; is not a store or terminal id: use 1 to 16 letters and digits, as in the till&apos;s [store] id and [terminal] id.</source>
        <translation>“%1”不是有效的门店或终端编号：请使用 1 到 16 个字母和数字，与收银台的 [store] id 和 [terminal] id 一致。</translation>
    </message>
    <message>
        <source>Set [server] public_url to the address the tills reach this server at (for example https://pos.example.cn:8443); the enrollment code carries it.</source>
        <translation>请将 [server] public_url 设为收银台访问此服务器的地址（例如 https://pos.example.cn:8443）；注册码中会包含该地址。</translation>
    </message>
    <message>
        <source>%1 holds no PEM certificate. Set [server] tls_cert to the server&apos;s certificate file.</source>
        <translation>%1 中没有 PEM 证书。请将 [server] tls_cert 设为服务器的证书文件。</translation>
    </message>
</context>
<context>
    <name>qpos::server::TillRequests</name>
    <message>
        <source>This terminal has enrolled already; an enrollment code works once. Ask for a new code (&quot;qpos-server terminal rotate&quot;).</source>
        <translation>此终端已经注册；注册码只能使用一次。请申请新的注册码（“qpos-server terminal rotate”）。</translation>
    </message>
    <message>
        <source>The server could not store the batch now; nothing was stored. The till sends it again.</source>
        <translation>服务器暂时无法保存该批次；未保存任何内容。收银台会重新发送。</translation>
    </message>
</context>
<context>
    <name>qpos::service::PosService</name>
    <message>
        <source>The till is not ready: the order database is not open. Restart qpos; if it happens again, run &apos;qposctl doctor&apos;.</source>
        <translation>收银台未就绪：订单数据库未打开。请重启 qpos；如再次出现，请运行“qposctl doctor”。</translation>
    </message>
    <message>
        <source>This is a %1 payment code, not a %2 one. Scan it again: the till picks the payment app by the code.</source>
        <translation>这是%1付款码，不是%2付款码。请重新扫描：收银台会根据付款码选择支付应用。</translation>
    </message>
    <message>
        <source>This till does not take cash. A manager can turn it on in Settings ([checkout] cash).</source>
        <translation>本收银台不收现金。店长可在设置中开启（[checkout] cash）。</translation>
    </message>
    <message>
        <source>This till has no store server, so it can show only its own sales. Enroll it with the code from qpos-server terminal add.</source>
        <translation>本收银台未接入门店服务器，只能显示自己的销售。请使用 qpos-server terminal add 给出的注册码进行注册。</translation>
    </message>
</context>
<context>
    <name>qpos::service::StoreLink</name>
    <message>
        <source>The store server credentials are for store %1, terminal %2, not this till. Enroll it again with its own code.</source>
        <translation>门店服务器凭据属于门店 %1、终端 %2，不是本收银台的。请用本收银台自己的注册码重新注册。</translation>
    </message>
</context>
<context>
    <name>qpos::till</name>
    <message>
        <source>No payment channel is enabled. Set [alipay] enabled = true or [wechat] enabled = true (with its keys) in the configuration, or start the demo shop with --sandbox.</source>
        <translation>没有启用任何支付渠道。请在配置中设置 [alipay] enabled = true 或 [wechat] enabled = true（并配置其密钥），或使用 --sandbox 启动演示门店。</translation>
    </message>
</context>
<context>
    <name>qpos::ui::AmountEntry</name>
    <message>
        <source>&amp;Amount (yuan)</source>
        <translation>金额（元）(&amp;A)</translation>
    </message>
</context>
<context>
    <name>qpos::ui::CashTenderDialog</name>
    <message>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <source>To pay: %1</source>
        <translation>应付：%1</translation>
    </message>
    <message>
        <source>Cash &amp;received (yuan):</source>
        <translation>实收现金（元）(&amp;R)：</translation>
    </message>
    <message>
        <source>Take cash  (Enter)</source>
        <translation>收取现金  (Enter)</translation>
    </message>
    <message>
        <source>Cancel  (Esc)</source>
        <translation>取消  (Esc)</translation>
    </message>
    <message>
        <source>Change: —</source>
        <translation>找零：—</translation>
    </message>
    <message>
        <source>Change: %1</source>
        <translation>找零：%1</translation>
    </message>
    <message>
        <source>cash received</source>
        <translation>实收现金</translation>
    </message>
    <message>
        <source>%1 is less than the %2 to pay. Take at least %2, or press Esc and let the customer pay another way.</source>
        <translation>%1 少于应付的 %2。请至少收取 %2，或按 Esc 让顾客改用其他方式支付。</translation>
    </message>
</context>
<context>
    <name>qpos::ui::ChannelStyle</name>
    <message>
        <source>Customer: open Alipay and tap Scan.</source>
        <translation>顾客请打开支付宝，点击“扫一扫”。</translation>
    </message>
    <message>
        <source>Customer: open WeChat and tap Scan.</source>
        <translation>顾客请打开微信，点击“扫一扫”。</translation>
    </message>
</context>
<context>
    <name>qpos::ui::ItemLinesEditor</name>
    <message>
        <source>&amp;Item</source>
        <translation>商品(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Qty</source>
        <translation>数量(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Unit price</source>
        <translation>单价(&amp;U)</translation>
    </message>
    <message>
        <source>Item name</source>
        <translation>商品名称</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>小计</translation>
    </message>
    <message>
        <source>Remove line</source>
        <translation>删除此行</translation>
    </message>
    <message>
        <source>Remove the selected line (Delete)</source>
        <translation>删除选中的行（Delete）</translation>
    </message>
    <message>
        <source>Type the item&apos;s name.</source>
        <translation>请输入商品名称。</translation>
    </message>
    <message>
        <source>A sale holds at most %1 lines.</source>
        <translation>一笔交易最多 %1 行商品。</translation>
    </message>
    <message>
        <source>The total would be more than the largest amount allowed (%1).</source>
        <translation>合计将超过允许的最大金额（%1）。</translation>
    </message>
</context>
<context>
    <name>qpos::ui::Keypad</name>
    <message>
        <source>Delete the last digit (Backspace)</source>
        <translation>删除最后一位（Backspace）</translation>
    </message>
    <message>
        <source>Backspace</source>
        <translation>退格</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Clear the amount (Esc)</source>
        <translation>清除金额（Esc）</translation>
    </message>
</context>
<context>
    <name>qpos::ui::LinkIndicator</name>
    <message>
        <source>Store server: not linked</source>
        <translation>门店服务器：未接入</translation>
    </message>
    <message>
        <source>Store server: not usable</source>
        <translation>门店服务器：不可用</translation>
    </message>
    <message>
        <source>Store server: connecting…</source>
        <translation>门店服务器：正在连接…</translation>
    </message>
    <message>
        <source>Store server: connected</source>
        <translation>门店服务器：已连接</translation>
    </message>
    <message>
        <source>Store server: offline since %1</source>
        <translation>门店服务器：自 %1 起离线</translation>
    </message>
    <message>
        <source>All orders uploaded</source>
        <translation>所有订单已上传</translation>
    </message>
    <message>
        <source>1 order waiting to upload</source>
        <translation>1 个订单等待上传</translation>
    </message>
    <message>
        <source>%1 orders waiting to upload</source>
        <translation>%1 个订单等待上传</translation>
    </message>
    <message>
        <source>This till&apos;s clock is %1 s behind the store server&apos;s: have the time set right.</source>
        <translation>本收银台的时钟比门店服务器慢 %1 秒：请校准时间。</translation>
    </message>
    <message>
        <source>This till&apos;s clock is %1 s ahead of the store server&apos;s: have the time set right.</source>
        <translation>本收银台的时钟比门店服务器快 %1 秒：请校准时间。</translation>
    </message>
</context>
<context>
    <name>qpos::ui::LoginPanel</name>
    <message>
        <source>Log in to sell</source>
        <translation>请登录后收款</translation>
    </message>
    <message>
        <source>No staff is set up on this till yet, so nobody can log in. IT: add a cashier and a manager with &quot;qposctl staff add --id ID --name NAME --role cashier|manager&quot;, then restart qpos.</source>
        <translation>本收银台尚未设置任何员工，因此无人能登录。IT 人员：请用“qposctl staff add --id ID --name NAME --role cashier|manager”添加收银员和店长，然后重启 qpos。</translation>
    </message>
    <message>
        <source>&amp;Who are you?</source>
        <translation>选择您的姓名(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;PIN</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Demo shop: log in as cashier 1001 with PIN 1234, or as manager 9001 with PIN 9999.</source>
        <translation>演示门店：收银员 1001 密码 1234，店长 9001 密码 9999。</translation>
    </message>
    <message>
        <source>%1  (%2) · %3</source>
        <translation>%1  (%2) · %3</translation>
    </message>
    <message>
        <source>Checking the PIN…</source>
        <translation>正在验证密码…</translation>
    </message>
    <message>
        <source>Choose your name first.</source>
        <translation>请先选择您的姓名。</translation>
    </message>
    <message>
        <source>Type your PIN (4 to 12 digits).</source>
        <translation>请输入密码（4 到 12 位数字）。</translation>
    </message>
</context>
<context>
    <name>qpos::ui::MainWindow</name>
    <message>
        <source>qpos — %1</source>
        <translation>qpos — %1</translation>
    </message>
    <message>
        <source>qpos — %1 — SANDBOX</source>
        <translation>qpos — %1 — 沙箱</translation>
    </message>
    <message>
        <source>Back to the sale  (Esc)</source>
        <translation>返回收银  (Esc)</translation>
    </message>
    <message>
        <source>Payment in progress…</source>
        <translation>正在收款…</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>&amp;Till</source>
        <translation>收银台(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Sale screen</source>
        <translation>收银界面(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Log out</source>
        <translation>退出登录(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Manager</source>
        <translation>店长(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Orders and refunds</source>
        <translation>订单与退款(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>Orders  (F5)</source>
        <translation>订单  (F5)</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>The till cannot take payments.</source>
        <translation>收银台无法收款。</translation>
    </message>
    <message>
        <source>… and %1 more (see Orders).</source>
        <translation>…… 另有 %1 条（见订单）。</translation>
    </message>
    <message>
        <source>Ready. Log in with your PIN.</source>
        <translation>已就绪。请输入密码登录。</translation>
    </message>
    <message>
        <source>Wrong PIN. Try again.</source>
        <translation>密码错误，请重试。</translation>
    </message>
    <message>
        <source>Ready to sell.</source>
        <translation>可以收款了。</translation>
    </message>
    <message>
        <source>Logged out. Log in with your PIN.</source>
        <translation>已退出登录。请输入密码登录。</translation>
    </message>
    <message>
        <source>Open the till&apos;s settings.</source>
        <translation>授权打开收银台设置。</translation>
    </message>
    <message>
        <source>Settings saved. They take effect when qpos starts again.</source>
        <translation>设置已保存，重新启动 qpos 后生效。</translation>
    </message>
    <message>
        <source>Sale</source>
        <translation>消费</translation>
    </message>
    <message>
        <source>Open orders from the last run were checked with the provider at start-up: %1 looked at, %2 settled, %3 still open (checked again later).</source>
        <translation>启动时已向支付机构核实上次运行遗留的未完成订单：共检查 %1 笔，%2 笔已处理，%3 笔仍未完成（稍后将再次核实）。</translation>
    </message>
    <message>
        <source>No staff set up yet: nobody can log in.</source>
        <translation>尚未设置员工：无人能登录。</translation>
    </message>
    <message>
        <source>A payment is open: finish or cancel it before closing qpos.</source>
        <translation>有一笔收款尚未结束：请先完成或取消，再关闭 qpos。</translation>
    </message>
    <message>
        <source>Last sale: %1 paid with %2.</source>
        <translation>上一笔：%1 已通过%2支付。</translation>
    </message>
    <message>
        <source>Last payment: %1, %2.</source>
        <translation>上一笔：%1，%2。</translation>
    </message>
    <message>
        <source>Order %1</source>
        <translation>订单 %1</translation>
    </message>
    <message>
        <source>No payment channel is offered: nothing can be charged. IT: enable [alipay] or [wechat] in qpos.ini, and check [routing] channels.</source>
        <translation>未提供任何支付渠道：无法收款。IT 人员：请在 qpos.ini 中启用 [alipay] 或 [wechat]，并检查 [routing] channels。</translation>
    </message>
    <message>
        <source>Shift %1 ended.</source>
        <translation>班次 %1 已结束。</translation>
    </message>
    <message>
        <source>&amp;X report of my shift</source>
        <translation>本班次 X 报表(&amp;X)</translation>
    </message>
    <message>
        <source>&amp;End my shift</source>
        <translation>结束本班次(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Reports…</source>
        <translation>报表(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Z report…</source>
        <translation>Z 报表(&amp;Z)…</translation>
    </message>
    <message>
        <source>Close the business day (Z report).</source>
        <translation>日结(Z 报表)。</translation>
    </message>
    <message>
        <source>Open the reports.</source>
        <translation>打开报表。</translation>
    </message>
    <message>
        <source>Enrolling this till with the store server…</source>
        <translation>正在向门店服务器注册本收银台…</translation>
    </message>
    <message>
        <source>This till could not enroll with the store server yet; it tries again by itself at %1. Selling works meanwhile.
%2</source>
        <translation>本收银台暂未能向门店服务器注册；将在 %1 自动重试。在此期间可照常收款。
%2</translation>
    </message>
    <message>
        <source>This till is enrolled with the store server at %1.</source>
        <translation>本收银台已注册到门店服务器 %1。</translation>
    </message>
    <message>
        <source>Shift %1 ended; the cash count is stored.</source>
        <translation>班次 %1 已结束，现金清点结果已保存。</translation>
    </message>
    <message>
        <source>Last sale: %1 paid in cash; change %2.</source>
        <translation>上一笔：现金支付 %1，找零 %2。</translation>
    </message>
    <message>
        <source>This till is enrolled with the store server at %1, but: %2</source>
        <translation>本收银台已在 %1 的门店服务器注册，但：%2</translation>
    </message>
    <message>
        <source>The cash drawer did not open: %1 The sale or refund itself is recorded; open the drawer by hand.</source>
        <translation>钱箱未能打开：%1 销售或退款本身已记录；请手动打开钱箱。</translation>
    </message>
    <message>
        <source>The receipt for order %1 was not printed: %2 The sale itself is recorded. Reprint the receipt from the order&apos;s detail (F5, then the order, then Print receipt).</source>
        <translation>订单 %1 的小票未打印：%2 销售本身已记录。请在订单详情中补打小票（按 F5，选择该订单，再点“打印小票”）。</translation>
    </message>
    <message>
        <source>Re&amp;conciliation…</source>
        <translation>对账(&amp;C)…</translation>
    </message>
    <message>
        <source>Open the reconciliation.</source>
        <translation>打开对账窗口。</translation>
    </message>
</context>
<context>
    <name>qpos::ui::ManagerPinDialog</name>
    <message>
        <source>Manager approval</source>
        <translation>店长授权</translation>
    </message>
    <message>
        <source>Manager &amp;PIN:</source>
        <translation>店长密码(&amp;P)：</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>授权</translation>
    </message>
    <message>
        <source>Enter the manager&apos;s PIN (4 to 12 digits).</source>
        <translation>请输入店长密码（4 到 12 位数字）。</translation>
    </message>
    <message>
        <source>This PIN is not a manager&apos;s. A manager must approve this.</source>
        <translation>这不是店长密码。此操作须由店长授权。</translation>
    </message>
    <message>
        <source>The PIN could not be checked: %1</source>
        <translation>无法验证密码：%1</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>qpos::ui::NoticeBar</name>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>qpos::ui::OpeningFloatDialog</name>
    <message>
        <source>Opening cash float</source>
        <translation>开班备用金</translation>
    </message>
    <message>
        <source>Count the cash in the drawer before the first sale.</source>
        <translation>请在第一笔销售前清点钱箱中的现金。</translation>
    </message>
    <message>
        <source>Cash in the &amp;drawer (yuan):</source>
        <translation>钱箱现金（元）(&amp;D)：</translation>
    </message>
    <message>
        <source>Start the shift  (Enter)</source>
        <translation>开始班次  (Enter)</translation>
    </message>
    <message>
        <source>Log out  (Esc)</source>
        <translation>退出登录  (Esc)</translation>
    </message>
    <message>
        <source>opening float</source>
        <translation>备用金</translation>
    </message>
</context>
<context>
    <name>qpos::ui::OrderDetailDialog</name>
    <message>
        <source>Order %1</source>
        <translation>订单 %1</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Order number:</source>
        <translation>订单号：</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>支付渠道：</translation>
    </message>
    <message>
        <source>Amount:</source>
        <translation>金额：</translation>
    </message>
    <message>
        <source>Refunded:</source>
        <translation>已退款：</translation>
    </message>
    <message>
        <source>Subject:</source>
        <translation>订单标题：</translation>
    </message>
    <message>
        <source>Provider&apos;s trade number:</source>
        <translation>支付机构交易号：</translation>
    </message>
    <message>
        <source>Store / terminal:</source>
        <translation>门店 / 终端：</translation>
    </message>
    <message>
        <source>Cashier:</source>
        <translation>收银员：</translation>
    </message>
    <message>
        <source>Created:</source>
        <translation>创建时间：</translation>
    </message>
    <message>
        <source>Paid:</source>
        <translation>支付时间：</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>商品明细</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Line total</source>
        <translation>小计</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变更</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Refunded total</source>
        <translation>累计退款</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Select a change above to see the provider&apos;s fields that decided it.</source>
        <translation>选择上方的一条变更，可查看决定该变更的支付机构字段。</translation>
    </message>
    <message>
        <source>&amp;Refund…</source>
        <translation>退款(&amp;R)…</translation>
    </message>
    <message>
        <source>The order could not be loaded: %1</source>
        <translation>无法加载订单：%1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>%1 yuan</source>
        <translation>%1 元</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>not known yet</source>
        <translation>暂未知</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>not paid</source>
        <translation>未支付</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>→ %1</source>
        <translation>→ %1</translation>
    </message>
    <message>
        <source>No provider fields for this change.</source>
        <translation>此变更没有支付机构字段。</translation>
    </message>
    <message>
        <source>Refund %1 of %2 yuan is being confirmed with %3.</source>
        <translation>退款 %1（%2 元）正在向%3确认中。</translation>
    </message>
    <message>
        <source>Refund %1 of %2 yuan failed; no money went back to the customer.</source>
        <translation>退款 %1（%2 元）失败，款项未退回顾客。</translation>
    </message>
    <message>
        <source>&amp;Print receipt</source>
        <translation>打印小票(&amp;P)</translation>
    </message>
    <message>
        <source>Reprint the customer&apos;s receipt on the receipt printer (Ctrl+P)</source>
        <translation>在小票打印机上为顾客重打小票（Ctrl+P）</translation>
    </message>
    <message>
        <source>Printing the receipt…</source>
        <translation>正在打印小票…</translation>
    </message>
    <message>
        <source>The receipt was printed.</source>
        <translation>小票已打印。</translation>
    </message>
    <message>
        <source>The receipt was not printed: %1</source>
        <translation>小票未打印：%1</translation>
    </message>
</context>
<context>
    <name>qpos::ui::OrderLabels</name>
    <message>
        <source>Till</source>
        <translation>收银台</translation>
    </message>
    <message>
        <source>Provider&apos;s answer</source>
        <translation>支付机构应答</translation>
    </message>
    <message>
        <source>Status query</source>
        <translation>状态查询</translation>
    </message>
    <message>
        <source>Provider notification</source>
        <translation>支付机构通知</translation>
    </message>
    <message>
        <source>Recovery at start-up</source>
        <translation>启动时恢复</translation>
    </message>
    <message>
        <source>Daily bill</source>
        <translation>对账单</translation>
    </message>
    <message>
        <source>Buyer scans the QR code</source>
        <translation>顾客扫码</translation>
    </message>
    <message>
        <source>Buyer&apos;s payment code</source>
        <translation>付款码</translation>
    </message>
    <message>
        <source>Cash at the till</source>
        <translation>收银台现金</translation>
    </message>
</context>
<context>
    <name>qpos::ui::OrdersModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Order number</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>支付渠道</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>已退金额</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>qpos::ui::OrdersView</name>
    <message>
        <source>&amp;From</source>
        <translation>从(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;To</source>
        <translation>到(&amp;T)</translation>
    </message>
    <message>
        <source>To&amp;day</source>
        <translation>今天(&amp;D)</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>全部渠道</translation>
    </message>
    <message>
        <source>Search order number</source>
        <translation>搜索订单号</translation>
    </message>
    <message>
        <source>Load &amp;more</source>
        <translation>加载更多(&amp;M)</translation>
    </message>
    <message>
        <source>D&amp;etails…</source>
        <translation>详情(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>The orders could not be loaded: %1</source>
        <translation>无法加载订单：%1</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>No orders match.</source>
        <translation>没有符合条件的订单。</translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) shown; more are available.</source>
        <translation>
            <numerusform>已显示 %n 个订单，还有更多。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n order(s).</source>
        <translation>
            <numerusform>共 %n 个订单。</numerusform>
        </translation>
    </message>
    <message>
        <source>(Order number searched on all dates.)</source>
        <translation>（已在所有日期中搜索该订单号。）</translation>
    </message>
</context>
<context>
    <name>qpos::ui::PaymentDialog</name>
    <message>
        <source>Payment — %1</source>
        <translation>收款 — %1</translation>
    </message>
    <message>
        <source>%1 · QR code</source>
        <translation>%1 · 二维码收款</translation>
    </message>
    <message>
        <source>%1 · payment code</source>
        <translation>%1 · 付款码收款</translation>
    </message>
    <message>
        <source>Cancel  (Esc)</source>
        <translation>取消  (Esc)</translation>
    </message>
    <message>
        <source>OK  (Enter)</source>
        <translation>确定  (Enter)</translation>
    </message>
    <message>
        <source>Order %1</source>
        <translation>订单 %1</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Time is up</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>Time left %1:%2</source>
        <translation>剩余时间 %1:%2</translation>
    </message>
</context>
<context>
    <name>qpos::ui::PaymentStatus</name>
    <message>
        <source>Charging the customer&apos;s code…</source>
        <translation>正在扣款…</translation>
    </message>
    <message>
        <source>Creating the QR code…</source>
        <translation>正在生成二维码…</translation>
    </message>
    <message>
        <source>Ask the customer to scan the QR code and pay</source>
        <translation>请顾客扫码支付</translation>
    </message>
    <message>
        <source>Customer is confirming on the phone</source>
        <translation>顾客正在手机上确认支付</translation>
    </message>
    <message>
        <source>The answer was lost on the way: asking the provider what happened…</source>
        <translation>未收到支付结果，正在向支付机构查询…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>PAID</source>
        <translation>支付成功</translation>
    </message>
    <message>
        <source>Payment cancelled</source>
        <translation>支付已取消</translation>
    </message>
    <message>
        <source>The customer did not confirm in time</source>
        <translation>顾客未及时确认支付</translation>
    </message>
    <message>
        <source>QR code expired</source>
        <translation>二维码已过期</translation>
    </message>
    <message>
        <source>Payment failed</source>
        <translation>支付失败</translation>
    </message>
    <message>
        <source>Payment refunded</source>
        <translation>款项已退回</translation>
    </message>
    <message>
        <source>The money is received. Press Enter for the next customer.</source>
        <translation>已收到款项。按 Enter 键接待下一位顾客。</translation>
    </message>
    <message>
        <source>The order was closed before the customer paid. No money was taken.</source>
        <translation>顾客付款前订单已关闭，未扣款。</translation>
    </message>
    <message>
        <source>Nobody paid in time, so the order was closed. No money was taken. Charge again if the customer still wants to pay.</source>
        <translation>超时未支付，订单已关闭，未扣款。如顾客仍要付款，请重新收款。</translation>
    </message>
    <message>
        <source>No money was taken. Charge again, or ask the customer to pay another way.</source>
        <translation>未扣款。请重新收款，或请顾客换一种方式支付。</translation>
    </message>
    <message>
        <source>The customer paid while the sale was being cancelled, so the payment was refunded at once. Charge again if the customer still wants to buy.</source>
        <translation>取消交易时顾客已完成付款，款项已立即原路退回。如顾客仍要购买，请重新收款。</translation>
    </message>
</context>
<context>
    <name>qpos::ui::QrView</name>
    <message>
        <source>Payment QR code</source>
        <translation>收款二维码</translation>
    </message>
</context>
<context>
    <name>qpos::ui::ReconcileWindow</name>
    <message>
        <source>%1 (%2, %3): %4</source>
        <translation>%1（%2，%3）：%4</translation>
    </message>
    <message>
        <source>Reconciliation</source>
        <translation>对账</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Bills of</source>
        <translation>账单日期</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>支付机构</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Bill payments</source>
        <translation>账单收款笔数</translation>
    </message>
    <message>
        <source>Bill paid</source>
        <translation>账单收款金额</translation>
    </message>
    <message>
        <source>Bill refunds</source>
        <translation>账单退款笔数</translation>
    </message>
    <message>
        <source>Bill refunded</source>
        <translation>账单退款金额</translation>
    </message>
    <message>
        <source>Our payments</source>
        <translation>本店收款笔数</translation>
    </message>
    <message>
        <source>Our paid</source>
        <translation>本店收款金额</translation>
    </message>
    <message>
        <source>Our refunds</source>
        <translation>本店退款笔数</translation>
    </message>
    <message>
        <source>Our refunded</source>
        <translation>本店退款金额</translation>
    </message>
    <message>
        <source>Fee</source>
        <translation>手续费</translation>
    </message>
    <message>
        <source>Open differences</source>
        <translation>待处理差异</translation>
    </message>
    <message>
        <source>Differences</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差异类型</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Refund request</source>
        <translation>退款请求号</translation>
    </message>
    <message>
        <source>Ours</source>
        <translation>本店</translation>
    </message>
    <message>
        <source>In the bill</source>
        <translation>账单</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Settled</source>
        <translation>处理情况</translation>
    </message>
    <message>
        <source>Mark handled…</source>
        <translation>标记为已处理…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>The first day is after the last one: choose the days again.</source>
        <translation>起始日期晚于结束日期：请重新选择日期。</translation>
    </message>
    <message>
        <source>Reading the reconciliation…</source>
        <translation>正在读取对账数据…</translation>
    </message>
    <message>
        <source>No bill was reconciled for these days yet.</source>
        <translation>这些日期内尚无已对账的账单。</translation>
    </message>
    <message numerus="yes">
        <source>%n bill(s) reconciled.</source>
        <translation>
            <numerusform>已对账 %n 份账单。</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1（共 %2）</translation>
    </message>
    <message>
        <source>%1 %2: %3. %4</source>
        <translation>%1 %2：%3。%4</translation>
    </message>
    <message>
        <source>Reading the differences…</source>
        <translation>正在读取差异…</translation>
    </message>
    <message>
        <source>%1 %2: %3</source>
        <translation>%1 %2：%3</translation>
    </message>
    <message>
        <source>%1 %2: the bill and the till agree.</source>
        <translation>%1 %2：账单与收银台一致。</translation>
    </message>
    <message>
        <source>Differences of %1 %2 (%3 open)</source>
        <translation>%1 %2 的差异（%3 项待处理）</translation>
    </message>
    <message>
        <source>Mark handled</source>
        <translation>标记为已处理</translation>
    </message>
    <message>
        <source>How was the difference of order %1 settled? (at most %2 characters; it is kept with the batch)</source>
        <translation>订单 %1 的差异是如何处理的？（最多 %2 个字符；将随对账批次保存）</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>The difference is marked handled.</source>
        <translation>差异已标记为已处理。</translation>
    </message>
    <message>
        <source>Export the reconciliation as CSV</source>
        <translation>将对账结果导出为 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2. Choose another folder.</source>
        <translation>无法写入 %1：%2。请选择其他文件夹。</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <source>Source: Store server (every till of the store)</source>
        <translation>来源：门店服务器（门店所有收银台）</translation>
    </message>
    <message>
        <source>Source: This till</source>
        <translation>来源：本收银台</translation>
    </message>
    <message>
        <source>Source: This till (the store server cannot be used: %1)</source>
        <translation>来源：本收银台（无法使用门店服务器：%1）</translation>
    </message>
</context>
<context>
    <name>qpos::ui::RefundDialog</name>
    <message>
        <source>Refund order %1</source>
        <translation>订单 %1 退款</translation>
    </message>
    <message>
        <source>&amp;Everything left</source>
        <translation>全部剩余金额(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Amount (yuan):</source>
        <translation>金额（元）(&amp;A)：</translation>
    </message>
    <message>
        <source>e.g. goods returned</source>
        <translation>例如：退货</translation>
    </message>
    <message>
        <source>Rea&amp;son:</source>
        <translation>原因(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Refund</source>
        <translation>退款(&amp;R)</translation>
    </message>
    <message>
        <source>Order %1 (%2): paid %3 yuan, refunded %4 yuan, %5 yuan left.</source>
        <translation>订单 %1（%2）：已支付 %3 元，已退款 %4 元，剩余 %5 元。</translation>
    </message>
    <message>
        <source>refund amount</source>
        <translation>退款金额</translation>
    </message>
    <message>
        <source>At most %1 yuan can be refunded for this order.</source>
        <translation>该订单最多可退款 %1 元。</translation>
    </message>
    <message>
        <source>Approve a refund of %1 yuan for order %2.</source>
        <translation>授权为订单 %2 退款 %1 元。</translation>
    </message>
    <message>
        <source>Nothing was refunded: a manager did not approve.</source>
        <translation>未退款：店长未授权。</translation>
    </message>
    <message>
        <source>Sending the refund of %1 yuan to %2…</source>
        <translation>正在向%2提交退款 %1 元…</translation>
    </message>
    <message>
        <source>Refund done. %1</source>
        <translation>退款成功。%1</translation>
    </message>
    <message>
        <source>The refund was not made: %1</source>
        <translation>退款未成功：%1</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Being confirmed: %1 has the refund request but has not confirmed the refund yet. The till keeps checking and records it by itself. Do not refund again. You can close this window.
%2</source>
        <translation>确认中：%1已收到退款请求，但尚未确认退款。收银台会持续查询并自动记录结果。请勿重复退款。可以关闭此窗口。
%2</translation>
    </message>
    <message>
        <source>Refund confirmed by %1: %2 yuan went back to the customer.</source>
        <translation>%1已确认退款：%2 元已退回给顾客。</translation>
    </message>
    <message>
        <source>Approve a cash refund of %1 yuan from the drawer for order %2.</source>
        <translation>批准从钱箱为订单 %2 退还现金 %1 元。</translation>
    </message>
    <message>
        <source>Recording the cash refund of %1 yuan…</source>
        <translation>正在记录现金退款 %1 元…</translation>
    </message>
    <message>
        <source>Refund done. %1
%2</source>
        <translation>退款成功。%1
%2</translation>
    </message>
</context>
<context>
    <name>qpos::ui::ReportCharts</name>
    <message>
        <source>yuan</source>
        <translation>元</translation>
    </message>
    <message>
        <source>Sales</source>
        <translation>销售额</translation>
    </message>
    <message>
        <source>Sales by hour</source>
        <translation>按小时销售额</translation>
    </message>
    <message>
        <source>Net sales</source>
        <translation>净销售额</translation>
    </message>
    <message>
        <source>Net sales by day</source>
        <translation>按日净销售额</translation>
    </message>
</context>
<context>
    <name>qpos::ui::ReportDocument</name>
    <message>
        <source>Sales</source>
        <translation>笔数</translation>
    </message>
    <message>
        <source>Gross</source>
        <translation>销售额</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>退款笔数</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>退款额</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>净额</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <source>Average ticket</source>
        <translation>客单价</translation>
    </message>
    <message>
        <source>By channel</source>
        <translation>按支付渠道</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>By cashier</source>
        <translation>按收银员</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <source>By hour</source>
        <translation>按小时</translation>
    </message>
    <message>
        <source>Hour</source>
        <translation>小时</translation>
    </message>
    <message>
        <source>By day</source>
        <translation>按日</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Refunded at</source>
        <translation>退款时间</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Approved by</source>
        <translation>批准人</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Cannot write %1: %2. Choose another folder.</source>
        <translation>无法写入 %1：%2。请选择其他文件夹。</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <source>Cash drawer</source>
        <translation>钱箱</translation>
    </message>
</context>
<context>
    <name>qpos::ui::ReportExport</name>
    <message>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <source>Export the report as CSV</source>
        <translation>将报表导出为 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2. Choose another folder.</source>
        <translation>无法写入 %1：%2。请选择其他文件夹。</translation>
    </message>
    <message>
        <source>Export the report as PDF</source>
        <translation>将报表导出为 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>已发送到打印机。</translation>
    </message>
</context>
<context>
    <name>qpos::ui::ReportsWindow</name>
    <message>
        <source>X report</source>
        <translation>X 报表</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>本周</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Show these dates</source>
        <translation>查看这些日期</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Gross</source>
        <translation>销售额</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>退款额</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>净额</translation>
    </message>
    <message>
        <source>Sales</source>
        <translation>笔数</translation>
    </message>
    <message>
        <source>Average ticket</source>
        <translation>客单价</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>退款笔数</translation>
    </message>
    <message>
        <source>By channel</source>
        <translation>按支付渠道</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>By cashier</source>
        <translation>按收银员</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <source>Refunded at</source>
        <translation>退款时间</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Approved by</source>
        <translation>批准人</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>Business day %1.</source>
        <translation>营业日 %1。</translation>
    </message>
    <message>
        <source>Business days %1 to %2.</source>
        <translation>营业日 %1 至 %2。</translation>
    </message>
    <message>
        <source>X report — shift %1 (running totals)</source>
        <translation>X 报表 — 班次 %1（实时累计）</translation>
    </message>
    <message>
        <source>Sales report</source>
        <translation>销售报表</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 至 %2</translation>
    </message>
    <message>
        <source>%1 — %2 — made %3 (China time)</source>
        <translation>%1 — %2 — 生成于 %3（北京时间）</translation>
    </message>
    <message>
        <source>Nothing sold or refunded in this shift yet.</source>
        <translation>本班次尚无销售或退款。</translation>
    </message>
    <message>
        <source>Refunds made</source>
        <translation>退款明细</translation>
    </message>
    <message>
        <source>Receipt printer</source>
        <translation>小票打印机</translation>
    </message>
    <message>
        <source>Print the report on the till&apos;s receipt printer</source>
        <translation>在收银台的小票打印机上打印报表</translation>
    </message>
    <message>
        <source>The report was printed on the receipt printer.</source>
        <translation>报表已在小票打印机上打印。</translation>
    </message>
    <message>
        <source>The report was not printed: %1</source>
        <translation>报表未打印：%1</translation>
    </message>
    <message>
        <source>Cash drawer</source>
        <translation>钱箱</translation>
    </message>
    <message>
        <source>Printing on the receipt printer…</source>
        <translation>正在小票打印机上打印…</translation>
    </message>
    <message>
        <source>This terminal</source>
        <translation>本终端</translation>
    </message>
    <message>
        <source>Whole store</source>
        <translation>全店</translation>
    </message>
    <message>
        <source>Asking the store server…</source>
        <translation>正在询问门店服务器…</translation>
    </message>
    <message>
        <source>Whole store, every till, from the store server. %1</source>
        <translation>全店，所有收银台，来自门店服务器。%1</translation>
    </message>
    <message>
        <source>Sales report — whole store (every till)</source>
        <translation>销售报表 — 全店（所有收银台）</translation>
    </message>
</context>
<context>
    <name>qpos::ui::SalePanel</name>
    <message>
        <source>Items (optional)</source>
        <translation>商品明细（可选）</translation>
    </message>
    <message>
        <source>Scan customer&apos;s code  (F3)</source>
        <translation>扫顾客付款码  (F3)</translation>
    </message>
    <message>
        <source>This till does not take %1.</source>
        <translation>本收银台不支持%1。</translation>
    </message>
    <message>
        <source>A payment code was scanned, but there is no amount to charge. Type the amount first, then scan the code again.</source>
        <translation>已扫到付款码，但还没有输入收款金额。请先输入金额，再重新扫码。</translation>
    </message>
    <message>
        <source>Total %1</source>
        <translation>合计 %1</translation>
    </message>
    <message>
        <source>%1 QR  (%2)</source>
        <translation>%1二维码  (%2)</translation>
    </message>
    <message>
        <source>%1 QR  (%2 / Enter)</source>
        <translation>%1二维码  (%2 / Enter)</translation>
    </message>
    <message>
        <source>Cash  (F4)</source>
        <translation>现金  (F4)</translation>
    </message>
</context>
<context>
    <name>qpos::ui::SandboxBanner</name>
    <message>
        <source>SANDBOX — simulated payments, no real money</source>
        <translation>沙箱 — 模拟支付，不涉及真实资金</translation>
    </message>
    <message>
        <source>Buyer pays</source>
        <translation>模拟顾客付款</translation>
    </message>
    <message>
        <source>Buyer cancels</source>
        <translation>模拟顾客取消</translation>
    </message>
</context>
<context>
    <name>qpos::ui::ScanCodeDialog</name>
    <message>
        <source>Scan customer&apos;s code</source>
        <translation>扫顾客付款码</translation>
    </message>
    <message>
        <source>Charge %1 yuan</source>
        <translation>收款 %1 元</translation>
    </message>
    <message>
        <source>Scan the payment code on the customer&apos;s phone now, or type the digits under its barcode and press Enter.</source>
        <translation>请扫描顾客手机上的付款码，或输入条形码下方的数字后按 Enter 键。</translation>
    </message>
    <message>
        <source>Charge</source>
        <translation>收款</translation>
    </message>
</context>
<context>
    <name>qpos::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>&amp;Shop</source>
        <translation>门店(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Alipay</source>
        <translation>支付宝(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;WeChat Pay</source>
        <translation>微信支付(&amp;W)</translation>
    </message>
    <message>
        <source>Changes take effect the next time qpos starts. They are saved in %1.</source>
        <translation>更改将在下次启动 qpos 时生效，保存在 %1 中。</translation>
    </message>
    <message>
        <source>no file; use Import…</source>
        <translation>无文件；请使用“导入…”</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Store &amp;id:</source>
        <translation>门店编号(&amp;I)：</translation>
    </message>
    <message>
        <source>Store &amp;name:</source>
        <translation>门店名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Terminal id:</source>
        <translation>终端编号(&amp;T)：</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>&amp;QR code valid for:</source>
        <translation>二维码有效期(&amp;Q)：</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>Take payments with Alipay (&amp;enabled)</source>
        <translation>启用支付宝收款(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Gateway URL:</source>
        <translation>网关地址(&amp;G)：</translation>
    </message>
    <message>
        <source>App &amp;ID:</source>
        <translation>应用 ID(&amp;I)：</translation>
    </message>
    <message>
        <source>&amp;Notify URL:</source>
        <translation>异步通知地址(&amp;N)：</translation>
    </message>
    <message>
        <source>App &amp;private key:</source>
        <translation>应用私钥(&amp;P)：</translation>
    </message>
    <message>
        <source>Alipay p&amp;ublic key:</source>
        <translation>支付宝公钥(&amp;U)：</translation>
    </message>
    <message>
        <source>Certificate mode is on: the certificates are set in the configuration file ([alipay] app_cert, alipay_cert, alipay_root_cert), and the Alipay public key above is not used.</source>
        <translation>已开启证书模式：证书在配置文件中设置（[alipay] app_cert、alipay_cert、alipay_root_cert），不使用上面的支付宝公钥。</translation>
    </message>
    <message>
        <source>Take payments with WeChat Pay (&amp;enabled)</source>
        <translation>启用微信支付收款(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Merchant id (mch_id):</source>
        <translation>商户号（mch_id）(&amp;M)：</translation>
    </message>
    <message>
        <source>Certificate &amp;serial number:</source>
        <translation>证书序列号(&amp;S)：</translation>
    </message>
    <message>
        <source>WeChat Pay public key i&amp;d:</source>
        <translation>微信支付公钥 ID(&amp;D)：</translation>
    </message>
    <message>
        <source>Merchant &amp;private key:</source>
        <translation>商户私钥(&amp;P)：</translation>
    </message>
    <message>
        <source>APIv3 &amp;key:</source>
        <translation>APIv3 密钥(&amp;K)：</translation>
    </message>
    <message>
        <source>WeChat Pay p&amp;ublic key:</source>
        <translation>微信支付公钥(&amp;U)：</translation>
    </message>
    <message>
        <source>Choose the key file to import</source>
        <translation>选择要导入的密钥文件</translation>
    </message>
    <message>
        <source>Keys and certificates (*.pem *.key *.txt *.crt *.cer)</source>
        <translation>密钥和证书 (*.pem *.key *.txt *.crt *.cer)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>已拒绝：%1</translation>
    </message>
    <message>
        <source>The key file was not imported; the setting is unchanged.</source>
        <translation>密钥文件未导入；设置未更改。</translation>
    </message>
    <message>
        <source>Imported: %1. Stored as %2 (readable only by this user).</source>
        <translation>已导入：%1。已保存为 %2（仅当前用户可读）。</translation>
    </message>
    <message>
        <source>The file you chose can be read by other users of this computer: delete it now that it is imported.</source>
        <translation>您选择的文件可被本机其他用户读取：既已导入，请立即删除该文件。</translation>
    </message>
    <message>
        <source>Key imported. Save to use it from the next start.</source>
        <translation>密钥已导入。请保存，下次启动时生效。</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>没有任何更改。</translation>
    </message>
    <message>
        <source>The settings were not saved (the file is unchanged):
%1</source>
        <translation>设置未保存（文件未改动）：
%1</translation>
    </message>
    <message>
        <source>Saved in %1. The changes take effect the next time qpos starts.</source>
        <translation>已保存到 %1。更改将在下次启动 qpos 时生效。</translation>
    </message>
    <message>
        <source>Note: a configuration file read after this one also sets %1, and its value wins. Ask the installer to change it there.</source>
        <translation>注意：在此文件之后读取的另一个配置文件也设置了 %1，并以它的值为准。请让安装人员在那里修改。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>This is the demo shop (sandbox): it runs on built-in settings and does not write any file, so these settings are shown read-only. Start qpos without --sandbox to set up a real shop.</source>
        <translation>这是演示门店（沙箱）：使用内置设置运行，不写入任何文件，因此这些设置仅供查看。如要设置真实门店，请不带 --sandbox 启动 qpos。</translation>
    </message>
    <message>
        <source>&amp;Routing</source>
        <translation>路由(&amp;R)</translation>
    </message>
    <message>
        <source>Which channels this terminal offers (the first is what Enter charges), which wallet a scanned payment code belongs to, and the most one payment may be. Leave a field empty for the default.</source>
        <translation>本终端提供哪些支付渠道（按 Enter 键时使用第一个）、扫描到的付款码属于哪个支付应用，以及单笔最高金额。留空则使用默认值。</translation>
    </message>
    <message>
        <source>&amp;Channels in order:</source>
        <translation>支付渠道顺序(&amp;C)：</translation>
    </message>
    <message>
        <source>every enabled channel, Alipay first</source>
        <translation>所有已启用的支付渠道，支付宝在前</translation>
    </message>
    <message>
        <source>&amp;Alipay code prefixes:</source>
        <translation>支付宝付款码前缀(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;WeChat Pay code prefixes:</source>
        <translation>微信支付付款码前缀(&amp;W)：</translation>
    </message>
    <message>
        <source>Largest Alipay &amp;payment (yuan):</source>
        <translation>支付宝单笔最高金额（元）(&amp;P)：</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限额</translation>
    </message>
    <message>
        <source>Largest WeChat Pay pa&amp;yment (yuan):</source>
        <translation>微信支付单笔最高金额（元）(&amp;Y)：</translation>
    </message>
    <message>
        <source>S&amp;tore server</source>
        <translation>门店服务器(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Printer</source>
        <translation>打印机(&amp;P)</translation>
    </message>
    <message>
        <source>Print on an ESC/POS receipt printer (&amp;enabled)</source>
        <translation>使用 ESC/POS 小票打印机(&amp;E)</translation>
    </message>
    <message>
        <source>Printer &amp;address:</source>
        <translation>打印机地址(&amp;A)：</translation>
    </message>
    <message>
        <source>tcp://192.168.1.50:9100 or /dev/usb/lp0</source>
        <translation>tcp://192.168.1.50:9100 或 /dev/usb/lp0</translation>
    </message>
    <message>
        <source>Paper &amp;width:</source>
        <translation>纸宽(&amp;W)：</translation>
    </message>
    <message>
        <source>80 mm (48 columns)</source>
        <translation>80 毫米（48 列）</translation>
    </message>
    <message>
        <source>58 mm (32 columns)</source>
        <translation>58 毫米（32 列）</translation>
    </message>
    <message>
        <source>Print a &amp;receipt after each sale</source>
        <translation>每笔销售后打印小票(&amp;R)</translation>
    </message>
    <message>
        <source>Cash &amp;drawer on:</source>
        <translation>钱箱接口(&amp;D)：</translation>
    </message>
    <message>
        <source>pin 2 (most drawers)</source>
        <translation>针脚 2（大多数钱箱）</translation>
    </message>
    <message>
        <source>pin 5</source>
        <translation>针脚 5</translation>
    </message>
    <message>
        <source>Take &amp;cash (F4; a float at login, a count at shift end)</source>
        <translation>收现金（F4；登录时清点备用金，交班时清点）(&amp;C)</translation>
    </message>
    <message>
        <source>A network printer listens on port 9100. A USB printer is a device file such as /dev/usb/lp0; the till&apos;s user must be in the lp group. qposctl doctor checks that the printer answers.</source>
        <translation>网络打印机监听 9100 端口。USB 打印机是设备文件，例如 /dev/usb/lp0；收银台的用户必须属于 lp 组。qposctl doctor 会检查打印机是否应答。</translation>
    </message>
</context>
<context>
    <name>qpos::ui::ShiftCountDialog</name>
    <message>
        <source>End of shift %1: count the cash</source>
        <translation>班次 %1 结束：清点现金</translation>
    </message>
    <message>
        <source>Reading the shift&apos;s figures…</source>
        <translation>正在读取本班次数据…</translation>
    </message>
    <message>
        <source>Cash &amp;counted (yuan):</source>
        <translation>清点现金（元）(&amp;C)：</translation>
    </message>
    <message>
        <source>Needed when the count differs, e.g. wrong change given</source>
        <translation>清点有差额时必填，例如找零出错</translation>
    </message>
    <message>
        <source>&amp;Why it differs:</source>
        <translation>差额原因(&amp;W)：</translation>
    </message>
    <message>
        <source>End the shift  (Enter)</source>
        <translation>结束班次  (Enter)</translation>
    </message>
    <message>
        <source>Keep the shift open  (Esc)</source>
        <translation>暂不结束班次  (Esc)</translation>
    </message>
    <message>
        <source>Opening float %1 + cash sales %2 − cash refunds %3</source>
        <translation>备用金 %1 + 现金销售 %2 − 现金退款 %3</translation>
    </message>
    <message>
        <source>Expected in the drawer: %1</source>
        <translation>钱箱应有：%1</translation>
    </message>
    <message>
        <source>Difference: —</source>
        <translation>差额：—</translation>
    </message>
    <message>
        <source>Difference: none</source>
        <translation>差额：无</translation>
    </message>
    <message>
        <source>Difference: %1 %2</source>
        <translation>差额：%1 %2</translation>
    </message>
    <message>
        <source>over</source>
        <translation>长款</translation>
    </message>
    <message>
        <source>short</source>
        <translation>短款</translation>
    </message>
    <message>
        <source>counted cash</source>
        <translation>清点现金</translation>
    </message>
    <message>
        <source>The count differs from what the till expected. Count again, or write why it differs, then end the shift.</source>
        <translation>清点结果与收银台应有金额不符。请重新清点，或填写差额原因后再结束班次。</translation>
    </message>
</context>
<context>
    <name>qpos::ui::StartupPanel</name>
    <message>
        <source>Recovering open orders…</source>
        <translation>正在恢复未完成的订单…</translation>
    </message>
    <message>
        <source>Before the till opens, every payment left open by the last run is checked with the payment provider.</source>
        <translation>收银台启动前，会向支付机构核实上次运行遗留的每一笔未完成支付。</translation>
    </message>
    <message>
        <source>The till cannot take payments</source>
        <translation>收银台无法收款</translation>
    </message>
    <message>
        <source>%1

No sale can be made until this is fixed. Fix it, then start qpos again.</source>
        <translation>%1

问题解决前无法收款。请先处理，然后重新启动 qpos。</translation>
    </message>
</context>
<context>
    <name>qpos::ui::StoreServerPage</name>
    <message>
        <source>QPOS1-…, from qpos-server terminal add</source>
        <translation>QPOS1-…，来自 qpos-server terminal add</translation>
    </message>
    <message>
        <source>Enrollment &amp;code:</source>
        <translation>注册码(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Enroll</source>
        <translation>注册(&amp;E)</translation>
    </message>
    <message>
        <source>This till is not linked to a store server. Payment results come by polling the providers, and the orders stay on this till. To link it, paste the enrollment code the store&apos;s administrator gave you.</source>
        <translation>本收银台未接入门店服务器。支付结果靠轮询支付机构获得，订单只保存在本收银台。如需接入，请粘贴门店管理员提供的注册码。</translation>
    </message>
    <message>
        <source>This till is linked to the store server at %1. A new code enrolls it again (after the server&apos;s secret was rotated).</source>
        <translation>本收银台已接入门店服务器 %1。输入新的注册码可重新注册（例如服务器密钥轮换之后）。</translation>
    </message>
    <message>
        <source>Paste the enrollment code first.</source>
        <translation>请先粘贴注册码。</translation>
    </message>
    <message>
        <source>Asking the store server…</source>
        <translation>正在询问门店服务器…</translation>
    </message>
    <message>
        <source>Enrolled: store %1, terminal %2 is linked to %3. The till uses the link from its next start.</source>
        <translation>注册成功：门店 %1、终端 %2 已接入 %3。收银台下次启动时开始使用该连接。</translation>
    </message>
</context>
<context>
    <name>qpos::ui::TillHeader</name>
    <message>
        <source>%1 · store %2 · terminal %3</source>
        <translation>%1 · 门店 %2 · 终端 %3</translation>
    </message>
    <message>
        <source>Cashier: %1 (%2)</source>
        <translation>收银员：%1（%2）</translation>
    </message>
    <message>
        <source>Nobody logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>%1: %2 payments, %3 yuan paid, %4 refunded</source>
        <translation>%1：%2 笔，收款 %3 元，退款 %4 元</translation>
    </message>
    <message>
        <source>Today&apos;s totals are not available</source>
        <translation>暂无法获取今日汇总</translation>
    </message>
    <message>
        <source>Today: 1 payment · net ¥ %1</source>
        <translation>今日：1 笔收款 · 净收 ¥ %1</translation>
    </message>
    <message>
        <source>Today: %1 payments · net ¥ %2</source>
        <translation>今日：%1 笔收款 · 净收 ¥ %2</translation>
    </message>
</context>
<context>
    <name>qpos::ui::ZReportDialog</name>
    <message>
        <source>Z report — close the business day</source>
        <translation>Z 报表 — 日结</translation>
    </message>
    <message>
        <source>I have read the warnings: take the Z anyway</source>
        <translation>我已阅读以上提醒：仍然日结</translation>
    </message>
    <message>
        <source>Take the Z report</source>
        <translation>日结（生成 Z 报表）</translation>
    </message>
    <message>
        <source>Z reports taken (newest first):</source>
        <translation>已生成的 Z 报表（最新在前）：</translation>
    </message>
    <message>
        <source>Reprint…</source>
        <translation>重新打印…</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Checking the business day…</source>
        <translation>正在检查营业日…</translation>
    </message>
    <message>
        <source>Z report No. %1 — business day %2</source>
        <translation>Z 报表第 %1 号 — 营业日 %2</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 至 %2</translation>
    </message>
    <message>
        <source>%1 — %2 — taken %3 (China time) by %4</source>
        <translation>%1 — %2 — 由 %4 于 %3（北京时间）生成</translation>
    </message>
    <message>
        <source>Taking the Z report…</source>
        <translation>正在生成 Z 报表…</translation>
    </message>
    <message>
        <source>Business day %1</source>
        <translation>营业日 %1</translation>
    </message>
    <message>
        <source>Before closing: %1 payment(s) are still open and %2 change(s) are not uploaded yet. Whatever they bring after the Z counts on the next business day.</source>
        <translation>日结前请注意：%1 笔支付仍未完成，%2 条变更尚未上传。日结后它们带来的结果计入下一个营业日。</translation>
    </message>
    <message>
        <source>No open payments, everything is uploaded.</source>
        <translation>没有未完成的支付，所有变更均已上传。</translation>
    </message>
    <message>
        <source>No. %1 — %2 — net %3, %4 sales — by %5</source>
        <translation>第 %1 号 — %2 — 净额 %3，%4 笔 — %5</translation>
    </message>
    <message>
        <source>Z report No. %1 taken. Sales from now on count on %2.</source>
        <translation>Z 报表第 %1 号已生成。此后的销售计入 %2。</translation>
    </message>
    <message>
        <source>Receipt printer</source>
        <translation>小票打印机</translation>
    </message>
    <message>
        <source>Print the selected Z report on the till&apos;s receipt printer</source>
        <translation>在收银台的小票打印机上打印所选的 Z 报表</translation>
    </message>
    <message>
        <source>Printing on the receipt printer…</source>
        <translation>正在小票打印机上打印…</translation>
    </message>
    <message>
        <source>The Z report was printed on the receipt printer.</source>
        <translation>Z 报表已在小票打印机上打印。</translation>
    </message>
    <message>
        <source> — cash expected %1</source>
        <translation> — 钱箱应有 %1</translation>
    </message>
    <message>
        <source>The Z report was not printed: %1</source>
        <translation>Z 报表未打印：%1</translation>
    </message>
    <message>
        <source>Today is closed by its Z report: sales from now on count on %1. The next Z report can be taken tomorrow.</source>
        <translation>今天已由 Z 报表结账：此后的销售计入 %1。下一份 Z 报表明天才能生成。</translation>
    </message>
    <message>
        <source>A shift with a cash drawer is still open: its cash is not counted, so the Z shows the cash expected, not counted. End that shift (Till &gt; End my shift) to count the drawer first.</source>
        <translation>一个使用钱箱的班次仍未结束：其现金尚未清点，因此 Z 报表显示的是应有现金，而非清点所得。请先结束该班次（收银台 &gt; 结束本班次）清点钱箱。</translation>
    </message>
</context>
<context>
    <name>qpos::wechat</name>
    <message>
        <source>WeChat Pay&apos;s answer is about %1 %2, not %3; it was not used. The till will ask WeChat Pay again.</source>
        <translation>微信支付的应答针对的是 %1 %2，而不是 %3；已忽略该应答。收银台将再次查询微信支付。</translation>
    </message>
    <message>
        <source>WeChat Pay&apos;s signed answer could not be understood (%1). Nothing was assumed; the till will ask WeChat Pay again.</source>
        <translation>无法解析微信支付的签名应答（%1）。未做任何假定；收银台将再次查询微信支付。</translation>
    </message>
    <message>
        <source>Waiting for the customer to confirm the payment on the phone.</source>
        <translation>等待顾客在手机上确认支付。</translation>
    </message>
    <message>
        <source>The payment failed at WeChat Pay. Ask the customer to try again, or to pay another way.</source>
        <translation>微信支付付款失败。请顾客重试，或改用其他方式支付。</translation>
    </message>
    <message>
        <source>WeChat Pay answered the payment with the state %1. The till will ask WeChat Pay again.</source>
        <translation>微信支付返回的支付状态为 %1。收银台将再次查询微信支付。</translation>
    </message>
    <message>
        <source>WeChat Pay accepted the refund and is still processing it.</source>
        <translation>微信支付已受理退款，仍在处理中。</translation>
    </message>
    <message>
        <source>WeChat Pay closed this refund; no money was refunded.</source>
        <translation>微信支付已关闭此退款；未退还任何款项。</translation>
    </message>
    <message>
        <source>WeChat Pay&apos;s compressed bill cannot be unpacked: %1. Download the bill again.</source>
        <translation>无法解压微信支付的压缩账单：%1。请重新下载账单。</translation>
    </message>
    <message>
        <source>WeChat Pay&apos;s bill cannot be read: %1. Download the bill again; if this stays, keep the file for support.</source>
        <translation>无法读取微信支付账单：%1。请重新下载账单；如问题仍然存在，请保留该文件以便技术支持排查。</translation>
    </message>
    <message>
        <source>line %1: %2 is empty</source>
        <translation>第 %1 行：%2 为空</translation>
    </message>
    <message>
        <source>line %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
    <message>
        <source>line %1: %2 &quot;%3&quot; is not a time (yyyy-MM-dd HH:mm:ss)</source>
        <translation>第 %1 行：%2“%3”不是时间（yyyy-MM-dd HH:mm:ss）</translation>
    </message>
    <message>
        <source>line %1 has %2 columns, its header has %3</source>
        <translation>第 %1 行有 %2 列，而其标题行有 %3 列</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>文件为空</translation>
    </message>
    <message>
        <source>zlib cannot start</source>
        <translation>zlib 无法启动</translation>
    </message>
    <message>
        <source>it unpacks to more than %1 bytes</source>
        <translation>解压后超过 %1 字节</translation>
    </message>
    <message>
        <source>zlib failed</source>
        <translation>zlib 解压失败</translation>
    </message>
    <message>
        <source>the compressed data stops before its end: the download was cut short</source>
        <translation>压缩数据不完整：下载被中断</translation>
    </message>
    <message>
        <source>out of memory</source>
        <translation>内存不足</translation>
    </message>
    <message>
        <source>the data is not gzip or is damaged (%1)</source>
        <translation>数据不是 gzip 格式或已损坏（%1）</translation>
    </message>
    <message>
        <source>line %1 is not UTF-8 text</source>
        <translation>第 %1 行不是 UTF-8 文本</translation>
    </message>
    <message>
        <source>line %1 is not the header of a WeChat Pay trade bill (it must start with 交易时间)</source>
        <translation>第 %1 行不是微信支付交易账单的标题行（必须以“交易时间”开头）</translation>
    </message>
    <message>
        <source>line %1 is not the header of a WeChat Pay trade bill (the column %2 is missing)</source>
        <translation>第 %1 行不是微信支付交易账单的标题行（缺少 %2 列）</translation>
    </message>
    <message>
        <source>line %1: 微信订单号 or 商户订单号 is empty</source>
        <translation>第 %1 行：微信订单号或商户订单号为空</translation>
    </message>
    <message>
        <source>it ends at line %1 without its summary (总交易单数…): the download was cut short</source>
        <translation>文件在第 %1 行结束，但缺少汇总行（总交易单数…）：下载被中断</translation>
    </message>
    <message>
        <source>line %1 follows the summary</source>
        <translation>第 %1 行位于汇总行之后</translation>
    </message>
    <message>
        <source>the summary on line %1 gives %2 = %3, but the lines above add up to %4: lines are missing</source>
        <translation>第 %1 行的汇总显示 %2 = %3，但上方各行合计为 %4：缺少部分行</translation>
    </message>
    <message>
        <source>line %1: 总交易单数 &quot;%2&quot; is not a count</source>
        <translation>第 %1 行：总交易单数“%2”不是有效的笔数</translation>
    </message>
    <message>
        <source>the summary on line %1 has no column %2</source>
        <translation>第 %1 行的汇总缺少列 %2</translation>
    </message>
    <message>
        <source>%1: the APIv3 key must be exactly 32 characters (letters and digits, as set in the WeChat Pay merchant platform under API security), but the file holds %2 bytes or other characters. Put only the key in the file, on one line.</source>
        <translation>%1：APIv3 密钥必须正好是 32 个字符（字母和数字，即在微信支付商户平台“API 安全”中设置的密钥），但该文件为 %2 字节或含有其他字符。文件中只放密钥，写在一行内。</translation>
    </message>
    <message>
        <source>The id of the WeChat Pay public key is missing. Copy it (PUB_KEY_ID_…) from the merchant platform into [wechat] wechatpay_public_key_id.</source>
        <translation>缺少微信支付公钥的 ID。请从商户平台复制该 ID（PUB_KEY_ID_…）填入 [wechat] wechatpay_public_key_id。</translation>
    </message>
    <message>
        <source>The WeChat Pay gateway address is not a valid URL. Check [wechat] gateway_url.</source>
        <translation>微信支付网关地址不是有效的网址。请检查 [wechat] gateway_url。</translation>
    </message>
    <message>
        <source>The WeChat Pay gateway must be reached over https (plain http only to this machine&apos;s sandbox). Check [wechat] gateway_url.</source>
        <translation>必须通过 https 访问微信支付网关（只有本机沙箱可用明文 http）。请检查 [wechat] gateway_url。</translation>
    </message>
    <message>
        <source>The WeChat Pay merchant id is missing. Check [wechat] mch_id.</source>
        <translation>缺少微信支付商户号。请检查 [wechat] mch_id。</translation>
    </message>
    <message>
        <source>The WeChat Pay AppID is missing. Check [wechat] app_id.</source>
        <translation>缺少微信支付 AppID。请检查 [wechat] app_id。</translation>
    </message>
    <message>
        <source>The WeChat Pay merchant private key is not loaded. Check [wechat] merchant_private_key.</source>
        <translation>未加载微信支付商户私钥。请检查 [wechat] merchant_private_key。</translation>
    </message>
    <message>
        <source>The serial number of the merchant API certificate is missing. Check [wechat] merchant_serial_no.</source>
        <translation>缺少商户 API 证书序列号。请检查 [wechat] merchant_serial_no。</translation>
    </message>
    <message>
        <source>The WeChat Pay APIv3 key must be exactly 32 characters. Check the file named by [wechat] apiv3_key_file.</source>
        <translation>微信支付 APIv3 密钥必须正好是 32 个字符。请检查 [wechat] apiv3_key_file 所指定的文件。</translation>
    </message>
    <message>
        <source>A WeChat Pay public key has no id or is not loaded. Check [wechat] wechatpay_public_key and wechatpay_public_key_id.</source>
        <translation>有微信支付公钥缺少 ID 或未加载。请检查 [wechat] wechatpay_public_key 和 wechatpay_public_key_id。</translation>
    </message>
    <message>
        <source>The WeChat Pay request timeout must be positive. Check [wechat] timeout_ms.</source>
        <translation>微信支付请求超时时间必须大于 0。请检查 [wechat] timeout_ms。</translation>
    </message>
    <message>
        <source>The allowed clock difference for WeChat Pay answers must be positive.</source>
        <translation>微信支付应答允许的时钟误差必须大于 0。</translation>
    </message>
    <message>
        <source>This order is already closed at WeChat Pay. Start a new sale to charge again.</source>
        <translation>该订单在微信支付已关闭。请新建一笔交易重新收款。</translation>
    </message>
    <message>
        <source>This order is already paid at WeChat Pay. The till is checking its state.</source>
        <translation>该订单在微信支付已支付。收银台正在查询订单状态。</translation>
    </message>
    <message>
        <source>WeChat Pay has no record of this order.</source>
        <translation>微信支付查无此订单。</translation>
    </message>
    <message>
        <source>WeChat Pay has no record of this order or refund.</source>
        <translation>微信支付查无此订单或退款。</translation>
    </message>
    <message>
        <source>The customer&apos;s WeChat balance is not enough. Ask the customer to choose another card in WeChat, or to pay another way.</source>
        <translation>顾客微信余额不足。请顾客在微信中更换银行卡，或改用其他方式支付。</translation>
    </message>
    <message>
        <source>There is not enough left to refund: the refund is more than what can still be refunded on this order, or the shop&apos;s WeChat Pay balance is too low.</source>
        <translation>可退金额不足：退款金额超过该订单剩余可退金额，或本店微信支付账户余额不足。</translation>
    </message>
    <message>
        <source>WeChat Pay refused the request as invalid. Check the amount and, for a payment code, scan it again; if it happens again, ask IT to check the till&apos;s WeChat Pay settings.</source>
        <translation>微信支付认为请求无效并拒绝。请核对金额；如为付款码支付，请重新扫描付款码；如再次出现，请 IT 人员检查收银台的微信支付设置。</translation>
    </message>
    <message>
        <source>WeChat Pay refused the request: the order&apos;s state or details do not allow it (for example a refund of an unpaid order, or an order number reused with another amount).</source>
        <translation>微信支付拒绝了请求：订单状态或订单信息不允许此操作（例如对未支付的订单退款，或同一订单号以不同金额重复使用）。</translation>
    </message>
    <message>
        <source>This shop&apos;s WeChat Pay account is not allowed to do this. The manager must check the products enabled in the merchant platform.</source>
        <translation>本店微信支付账户无此操作权限。请店长在商户平台检查已开通的产品。</translation>
    </message>
    <message>
        <source>WeChat Pay could not verify the till&apos;s signature. Ask IT to check [wechat] merchant_private_key and merchant_serial_no against the merchant API certificate.</source>
        <translation>微信支付无法验证收银台的签名。请 IT 人员核对 [wechat] merchant_private_key 和 merchant_serial_no 是否与商户 API 证书匹配。</translation>
    </message>
    <message>
        <source>WeChat Pay does not know this merchant. Ask IT to check [wechat] mch_id.</source>
        <translation>微信支付无法识别该商户。请 IT 人员检查 [wechat] mch_id。</translation>
    </message>
    <message>
        <source>The AppID is not bound to this merchant at WeChat Pay. Ask IT to check [wechat] app_id and mch_id.</source>
        <translation>该 AppID 在微信支付未与此商户号绑定。请 IT 人员检查 [wechat] app_id 和 mch_id。</translation>
    </message>
    <message>
        <source>WeChat Pay refused the payment for this customer or order. Ask the customer to pay another way.</source>
        <translation>微信支付拒绝了该顾客或该订单的支付。请顾客改用其他方式支付。</translation>
    </message>
    <message>
        <source>The customer&apos;s WeChat Pay account cannot pay at the moment. Ask the customer to pay another way.</source>
        <translation>顾客的微信支付账户暂时无法付款。请顾客改用其他方式支付。</translation>
    </message>
    <message>
        <source>The payment is over a limit of WeChat Pay (amount, count or shop rules). Ask the customer to pay another way.</source>
        <translation>此笔支付超出微信支付的限制（金额、笔数或商户规则）。请顾客改用其他方式支付。</translation>
    </message>
    <message>
        <source>The customer&apos;s payment code is not valid or has expired. Ask the customer to refresh the payment code, then scan it again.</source>
        <translation>顾客付款码无效或已过期。请顾客刷新付款码后重新扫描。</translation>
    </message>
    <message>
        <source>The customer&apos;s payment code has expired. Ask the customer to refresh the payment code, then scan it again.</source>
        <translation>顾客付款码已过期。请顾客刷新付款码后重新扫描。</translation>
    </message>
    <message>
        <source>Another customer has already started paying this order. Start a new sale.</source>
        <translation>另一位顾客已开始支付该订单。请新建一笔交易。</translation>
    </message>
    <message>
        <source>This order number was already used with other details. Start a new sale.</source>
        <translation>该订单号已被用于其他交易信息。请新建一笔交易。</translation>
    </message>
    <message>
        <source>The customer&apos;s WeChat Pay account can no longer receive this refund. The manager must refund the customer another way.</source>
        <translation>顾客的微信支付账户已无法接收此笔退款。请店长通过其他方式给顾客退款。</translation>
    </message>
    <message>
        <source>WeChat Pay has no bill for this date: the shop had no WeChat Pay payment or refund that day.</source>
        <translation>微信支付没有该日期的账单：本店当天没有微信支付的收款或退款。</translation>
    </message>
    <message>
        <source>WeChat Pay is still making the bill for this date. A day&apos;s bill is ready the next day after 10:00; try again later.</source>
        <translation>微信支付仍在生成该日期的账单。账单于次日 10:00 后提供，请稍后再试。</translation>
    </message>
    <message>
        <source>WeChat Pay refused the request: %1 (%2).</source>
        <translation>微信支付拒绝了请求：%1（%2）。</translation>
    </message>
    <message>
        <source>WeChat Pay asked the till to slow down (%1). The till will ask WeChat Pay again.</source>
        <translation>微信支付要求收银台降低请求频率（%1）。收银台将再次查询微信支付。</translation>
    </message>
    <message>
        <source>WeChat Pay is busy and did not say what happened (%1). The till will ask WeChat Pay again.</source>
        <translation>微信支付繁忙，未返回处理结果（%1）。收银台将再次查询微信支付。</translation>
    </message>
    <message>
        <source>WeChat Pay says this order is already paid. The till is checking its state.</source>
        <translation>微信支付返回该订单已支付。收银台正在查询订单状态。</translation>
    </message>
    <message>
        <source>WeChat Pay answered with an unexpected code (%1). The till will ask WeChat Pay again.</source>
        <translation>微信支付返回了未预期的代码（%1）。收银台将再次查询微信支付。</translation>
    </message>
    <message>
        <source>The WeChat Pay notification is malformed (%1). It was refused; WeChat Pay will send it again, and a query of the order settles it meanwhile.</source>
        <translation>该微信支付通知格式错误（%1）。已拒绝；微信支付会重新发送该通知，在此期间将通过查询订单确定其状态。</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>not a string</source>
        <translation>不是字符串</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>为空</translation>
    </message>
    <message>
        <source>not an amount in fen</source>
        <translation>不是以分为单位的金额</translation>
    </message>
    <message>
        <source>not an RFC 3339 time</source>
        <translation>不是 RFC 3339 时间</translation>
    </message>
    <message>
        <source>missing or not an object</source>
        <translation>缺失或不是对象</translation>
    </message>
    <message>
        <source>the body is not a JSON object</source>
        <translation>消息体不是 JSON 对象</translation>
    </message>
    <message>
        <source>resource_type is not encrypt-resource</source>
        <translation>resource_type 不是 encrypt-resource</translation>
    </message>
    <message>
        <source>resource.algorithm is not AEAD_AES_256_GCM</source>
        <translation>resource.algorithm 不是 AEAD_AES_256_GCM</translation>
    </message>
    <message>
        <source>The WeChat Pay notification is of type %1, which this till does not handle. It was refused; the order&apos;s state is settled by a query instead.</source>
        <translation>该微信支付通知的类型为 %1，收银台不处理此类通知。已拒绝；订单状态改由查询确定。</translation>
    </message>
    <message>
        <source>resource.nonce is not 12 characters</source>
        <translation>resource.nonce 不是 12 个字符</translation>
    </message>
    <message>
        <source>resource.ciphertext is not base64 of ciphertext and tag</source>
        <translation>resource.ciphertext 不是由密文和认证标签组成的 base64</translation>
    </message>
    <message>
        <source>unknown state</source>
        <translation>未知状态</translation>
    </message>
    <message>
        <source>does not match event_type</source>
        <translation>与 event_type 不符</translation>
    </message>
    <message>
        <source>The WeChat Pay notification lacks its Wechatpay-Timestamp, -Nonce, -Signature or -Serial header, or one is malformed. It was refused: check that the proxy in front of notify_url passes these headers on.</source>
        <translation>该微信支付通知缺少 Wechatpay-Timestamp、-Nonce、-Signature 或 -Serial 请求头，或其中某项格式错误。已拒绝：请检查 notify_url 前面的代理是否转发了这些请求头。</translation>
    </message>
    <message>
        <source>The WeChat Pay notification was signed %1 seconds ago (at most %2 are allowed): a replayed notification, or a wrong clock. It was refused; check this computer&apos;s date and time.</source>
        <translation>该微信支付通知的签名时间在 %1 秒之前（最多允许 %2 秒）：可能是重放的通知，或时钟不准。已拒绝；请检查本机的日期和时间。</translation>
    </message>
    <message>
        <source>The WeChat Pay notification is dated %1 seconds ahead of this computer&apos;s clock (at most %2 are allowed). It was refused; check this computer&apos;s date and time.</source>
        <translation>该微信支付通知的时间比本机时钟超前 %1 秒（最多允许 %2 秒）。已拒绝；请检查本机的日期和时间。</translation>
    </message>
    <message>
        <source>The WeChat Pay notification&apos;s signature does not verify with key %1: it is forged or was changed on the way. It was refused.</source>
        <translation>该微信支付通知的签名无法用密钥 %1 验证：通知是伪造的或在传输中被篡改。已拒绝。</translation>
    </message>
    <message>
        <source>The WeChat Pay notification cannot be decrypted: the configured APIv3 key is not 32 characters long. Put the key from the WeChat Pay merchant platform in the file named by [wechat] apiv3_key_file.</source>
        <translation>无法解密该微信支付通知：配置的 APIv3 密钥长度不是 32 个字符。请将微信支付商户平台中的密钥放入 [wechat] apiv3_key_file 所指定的文件。</translation>
    </message>
    <message>
        <source>The WeChat Pay notification does not decrypt with the APIv3 key: it was changed on the way, or the key in [wechat] apiv3_key_file is not the one set in the WeChat Pay merchant platform. It was refused.</source>
        <translation>无法用 APIv3 密钥解密该微信支付通知：通知在传输中被篡改，或 [wechat] apiv3_key_file 中的密钥与微信支付商户平台中设置的不一致。已拒绝。</translation>
    </message>
    <message>
        <source>the decrypted resource is not a JSON object</source>
        <translation>解密后的资源数据不是 JSON 对象</translation>
    </message>
    <message>
        <source>The WeChat Pay notification is for merchant %1 (app %2), not this shop&apos;s merchant %3 (app %4). It was refused; check [wechat] mch_id, app_id and notify_url.</source>
        <translation>该微信支付通知属于商户号 %1（应用 %2），而不是本店的商户号 %3（应用 %4）。已拒绝；请检查 [wechat] mch_id、app_id 和 notify_url。</translation>
    </message>
    <message>
        <source>The WeChat Pay notification names order %1, which this shop does not have as a WeChat Pay order. It was refused.</source>
        <translation>该微信支付通知所指的订单 %1 不是本店的微信支付订单。已拒绝。</translation>
    </message>
    <message>
        <source>The WeChat Pay notification says order %1 is for %2 yuan, but the order is for %3 yuan. It was refused; check the order with a query.</source>
        <translation>该微信支付通知称订单 %1 金额为 %2 元，但该订单金额为 %3 元。已拒绝；请查询核对该订单。</translation>
    </message>
    <message>
        <source>A notification resource needs a nonce of 12 printable ASCII characters and associated data that is UTF-8 text.</source>
        <translation>通知资源需要由 12 个可打印 ASCII 字符组成的 nonce，且附加数据须为 UTF-8 文本。</translation>
    </message>
    <message>
        <source>The Authorization header is not a valid WeChat Pay signature header: %1.</source>
        <translation>Authorization 请求头不是有效的微信支付签名头：%1。</translation>
    </message>
    <message>
        <source>it does not start with WECHATPAY2-SHA256-RSA2048</source>
        <translation>未以 WECHATPAY2-SHA256-RSA2048 开头</translation>
    </message>
    <message>
        <source>a field is not name=&quot;value&quot;</source>
        <translation>有字段不符合 name=&quot;value&quot; 格式</translation>
    </message>
    <message>
        <source>the value of %1 is not quoted</source>
        <translation>%1 的值没有加引号</translation>
    </message>
    <message>
        <source>the value of %1 is not closed</source>
        <translation>%1 的值引号未闭合</translation>
    </message>
    <message>
        <source>it has an unknown field</source>
        <translation>含有未知字段</translation>
    </message>
    <message>
        <source>the field %1 appears twice</source>
        <translation>字段 %1 出现了两次</translation>
    </message>
    <message>
        <source>the field %1 is empty or has characters not allowed</source>
        <translation>字段 %1 为空或含有不允许的字符</translation>
    </message>
    <message>
        <source>the fields are not separated by commas</source>
        <translation>字段之间未用逗号分隔</translation>
    </message>
    <message>
        <source>the field %1 is missing</source>
        <translation>缺少字段 %1</translation>
    </message>
    <message>
        <source>the timestamp is not a number</source>
        <translation>时间戳不是数字</translation>
    </message>
    <message>
        <source>WeChat Pay says this shop&apos;s merchant account has no permission for this payment (NO_AUTH). The manager must check in the WeChat Pay merchant platform that the product (付款码支付 or Native支付) is enabled and the account is not restricted. Meanwhile take the payment another way.</source>
        <translation>微信支付提示本店商户号无权进行此支付（NO_AUTH）。请店长在微信支付商户平台确认已开通相应产品（付款码支付或 Native支付）且账户未受限。在此之前请使用其他方式收款。</translation>
    </message>
    <message>
        <source>No WeChat Pay public key or platform certificate is loaded, so answers cannot be verified. Check [wechat] wechatpay_public_key and platform_certificate.</source>
        <translation>未加载微信支付公钥或平台证书，无法验证应答。请检查 [wechat] wechatpay_public_key 和 platform_certificate。</translation>
    </message>
    <message>
        <source>The WeChat Pay platform certificates downloaded were refused (%1); the till keeps the certificates it has. If this lasts, ask IT to check [wechat] apiv3_key_file against the APIv3 key set in the merchant platform.</source>
        <translation>下载的微信支付平台证书被拒绝（%1）；收银台继续使用已有的证书。如果持续出现，请 IT 对照商户平台中设置的 APIv3 密钥检查 [wechat] apiv3_key_file。</translation>
    </message>
    <message>
        <source>an entry lacks serial_no, or its encrypt_certificate is not AEAD_AES_256_GCM with a 12-character nonce</source>
        <translation>有条目缺少 serial_no，或其 encrypt_certificate 不是带 12 个字符 nonce 的 AEAD_AES_256_GCM</translation>
    </message>
    <message>
        <source>an entry&apos;s ciphertext is not base64</source>
        <translation>有条目的 ciphertext 不是 base64</translation>
    </message>
    <message>
        <source>a certificate does not decrypt with the APIv3 key</source>
        <translation>有证书无法用 APIv3 密钥解密</translation>
    </message>
    <message>
        <source>a decrypted entry is not a certificate with an RSA key</source>
        <translation>有解密后的条目不是含 RSA 公钥的证书</translation>
    </message>
    <message>
        <source>certificate %1 is listed as serial_no %2</source>
        <translation>证书 %1 的 serial_no 却标为 %2</translation>
    </message>
    <message>
        <source>certificate %1 is valid only from %2 to %3</source>
        <translation>证书 %1 仅在 %2 至 %3 期间有效</translation>
    </message>
    <message>
        <source>the answer is not JSON with a data list</source>
        <translation>应答不是带 data 列表的 JSON</translation>
    </message>
    <message>
        <source>the list is empty</source>
        <translation>列表为空</translation>
    </message>
    <message>
        <source>The downloaded WeChat Pay platform certificate could not be kept in %1 (%2). The till uses it until it stops; let the service user write to that folder so that it is kept across a restart.</source>
        <translation>下载的微信支付平台证书无法保存到 %1（%2）。收银台在本次运行期间仍会使用它；请允许服务用户写入该目录，以便重启后仍保留证书。</translation>
    </message>
    <message>
        <source>the folder cannot be made</source>
        <translation>无法创建该目录</translation>
    </message>
    <message>
        <source>WeChat Pay&apos;s platform certificate download could not be verified (%1); the till keeps the certificates it has.</source>
        <translation>无法验证微信支付平台证书的下载应答（%1）；收银台继续使用已有的证书。</translation>
    </message>
    <message>
        <source>WeChat Pay answered HTTP %1</source>
        <translation>微信支付返回 HTTP %1</translation>
    </message>
    <message>
        <source>it carries no WeChat Pay signature</source>
        <translation>应答没有微信支付签名</translation>
    </message>
    <message>
        <source>its timestamp is not within 5 minutes of the till&apos;s clock</source>
        <translation>其时间戳与收银台时钟相差超过 5 分钟</translation>
    </message>
    <message>
        <source>it is signed with %1, a key neither the till nor the download holds</source>
        <translation>其签名密钥 %1 既不在收银台中，也不在下载的证书中</translation>
    </message>
    <message>
        <source>the signature does not match</source>
        <translation>签名不匹配</translation>
    </message>
    <message>
        <source>The WeChat Pay notification is signed with key %1, which is not among the WeChat Pay public keys and platform certificates the till has. It was refused, and WeChat Pay will send it again; if WeChat Pay changed its key, ask IT to put the new WeChat Pay public key in [wechat] wechatpay_public_key (with wechatpay_public_key_id) or the new platform certificate in [wechat] platform_certificate.</source>
        <translation>该微信支付通知的签名密钥为 %1，不在收银台已有的微信支付公钥和平台证书之中。已拒绝，微信支付会再次发送；如微信支付已更换密钥，请 IT 将新的微信支付公钥放入 [wechat] wechatpay_public_key（并设置 wechatpay_public_key_id），或将新的平台证书放入 [wechat] platform_certificate。</translation>
    </message>
    <message>
        <source>The store server says it received this WeChat Pay notification %1 seconds ahead of this computer&apos;s clock (at most %2 are allowed). It was refused; check the date and time of this computer and of the store server.</source>
        <translation>门店服务器声称收到这条微信支付通知的时间比本机时钟超前 %1 秒（最多允许 %2 秒）。已拒绝；请检查本机和门店服务器的日期和时间。</translation>
    </message>
</context>
<context>
    <name>qpos::wechat::WechatClient</name>
    <message>
        <source>The request was not sent to WeChat Pay: %1.</source>
        <translation>请求未发送到微信支付：%1。</translation>
    </message>
    <message>
        <source>the amount must be between 0.01 and %1 yuan</source>
        <translation>金额必须在 0.01 到 %1 元之间</translation>
    </message>
    <message>
        <source>the order has no number</source>
        <translation>订单没有订单号</translation>
    </message>
    <message>
        <source>the order number is longer than 32 characters</source>
        <translation>订单号超过 32 个字符</translation>
    </message>
    <message>
        <source>the order has no description</source>
        <translation>订单没有商品描述</translation>
    </message>
    <message>
        <source>the order&apos;s description or the payment code is empty</source>
        <translation>订单的商品描述或付款码为空</translation>
    </message>
    <message>
        <source>the refund has no request number, or one longer than 64 characters</source>
        <translation>退款没有退款请求号，或退款请求号超过 64 个字符</translation>
    </message>
    <message>
        <source>the order&apos;s total amount is missing</source>
        <translation>缺少订单总金额</translation>
    </message>
    <message>
        <source>the refund has no request number</source>
        <translation>退款没有退款请求号</translation>
    </message>
    <message>
        <source>the bill date is not valid</source>
        <translation>账单日期无效</translation>
    </message>
    <message>
        <source>WeChat Pay has no monthly trade bill. Download the bill of each day instead.</source>
        <translation>微信支付没有月度交易账单。请改为逐日下载账单。</translation>
    </message>
    <message>
        <source>WeChat Pay is not reachable; payments will be checked again when it is back (next try in about %1 s).</source>
        <translation>无法连接微信支付；恢复连接后将重新查询支付结果（约 %1 秒后重试）。</translation>
    </message>
    <message>
        <source>the request address is not valid</source>
        <translation>请求地址无效</translation>
    </message>
    <message>
        <source>The outcome is not known yet; the till will ask WeChat Pay again.</source>
        <translation>结果暂未知；收银台将再次查询微信支付。</translation>
    </message>
    <message>
        <source>WeChat Pay did not answer in time.</source>
        <translation>微信支付未及时响应。</translation>
    </message>
    <message>
        <source>WeChat Pay&apos;s answer was too large and was not read.</source>
        <translation>微信支付的应答过大，未读取。</translation>
    </message>
    <message>
        <source>The secure connection to WeChat Pay failed (%1). Check the till&apos;s clock and network.</source>
        <translation>与微信支付的安全连接失败（%1）。请检查收银台的时钟和网络。</translation>
    </message>
    <message>
        <source>The connection to WeChat Pay failed (%1).</source>
        <translation>连接微信支付失败（%1）。</translation>
    </message>
    <message>
        <source>WeChat Pay&apos;s answer could not be verified (%1), so it was not trusted. The order will be checked again.</source>
        <translation>无法验证微信支付的应答（%1），该应答不予采信。将再次查询该订单。</translation>
    </message>
    <message>
        <source>it carries no WeChat Pay signature</source>
        <translation>应答没有微信支付签名</translation>
    </message>
    <message>
        <source>its timestamp is not a number</source>
        <translation>时间戳不是数字</translation>
    </message>
    <message>
        <source>WeChat Pay&apos;s answer is dated %1 s away from this till&apos;s clock, so it was not trusted (a replay, or the till&apos;s clock is wrong). The order will be checked again.</source>
        <translation>微信支付应答的时间与收银台时钟相差 %1 秒，该应答不予采信（可能是重放，或收银台时钟不准）。将再次查询该订单。</translation>
    </message>
    <message>
        <source>the signature does not match</source>
        <translation>签名不匹配</translation>
    </message>
    <message>
        <source>WeChat Pay&apos;s server answered HTTP %1.</source>
        <translation>微信支付服务器返回 HTTP %1。</translation>
    </message>
    <message>
        <source>WeChat Pay&apos;s signed answer is not JSON. Nothing was assumed; the till will ask WeChat Pay again.</source>
        <translation>微信支付的签名应答不是 JSON。未做任何假定；收银台将再次查询微信支付。</translation>
    </message>
    <message>
        <source>WeChat Pay gave a bill address on another host; the bill was not downloaded.</source>
        <translation>微信支付给出的账单地址位于其他主机；未下载账单。</translation>
    </message>
    <message>
        <source>WeChat Pay gave the bill&apos;s digest as %1, which the till cannot check; the bill was not used.</source>
        <translation>微信支付给出的账单摘要算法为 %1，收银台无法校验；未使用该账单。</translation>
    </message>
    <message>
        <source>WeChat Pay&apos;s bill download answered HTTP %1.</source>
        <translation>微信支付账单下载返回 HTTP %1。</translation>
    </message>
    <message>
        <source>The downloaded bill does not match the digest WeChat Pay gave; it was not used.</source>
        <translation>下载的账单与微信支付给出的摘要不符；未使用该账单。</translation>
    </message>
    <message>
        <source>the store id is missing; set [store] id</source>
        <translation>缺少门店编号；请设置 [store] id</translation>
    </message>
    <message>
        <source>no notification address is set; set [wechat] notify_url</source>
        <translation>未设置通知地址；请设置 [wechat] notify_url</translation>
    </message>
    <message>
        <source>WeChat Pay refused the till&apos;s request signature (HTTP 401 %1, unsigned). Ask IT to check [wechat] mch_id, merchant_serial_no and merchant_private_key against the merchant API certificate. The order will be checked again.</source>
        <translation>微信支付拒绝了收银台的请求签名（HTTP 401 %1，应答未签名）。请 IT 对照商户 API 证书检查 [wechat] mch_id、merchant_serial_no 和 merchant_private_key。系统会再次查询该订单。</translation>
    </message>
    <message>
        <source>it is signed with a key the till does not have, %1, even after fetching WeChat Pay&apos;s platform certificates where it uses them; if WeChat Pay changed its key, ask IT to put the new WeChat Pay public key in [wechat] wechatpay_public_key (with wechatpay_public_key_id) or the new platform certificate in [wechat] platform_certificate</source>
        <translation>签名所用的密钥 %1 收银台没有（使用平台证书时已重新下载过平台证书）；如微信支付已更换密钥，请 IT 将新的微信支付公钥放入 [wechat] wechatpay_public_key（并设置 wechatpay_public_key_id），或将新的平台证书放入 [wechat] platform_certificate</translation>
    </message>
</context>
</TS>
