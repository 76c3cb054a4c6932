-- An order database as schema version 8 wrote it, frozen: migrations must keep opening it.
-- The data of orders_schema_v7.sql, then migration 8 as the till ran it (reconciliation's
-- indexes on the payment time and on the refunds' times).
CREATE TABLE orders (
    id                INTEGER PRIMARY KEY,
    out_trade_no      TEXT    NOT NULL UNIQUE,
    channel           TEXT    NOT NULL CHECK (channel IN ('alipay', 'wechat')),
    flow              TEXT    NOT NULL CHECK (flow IN ('qr', 'code')),
    amount_fen        INTEGER NOT NULL CHECK (amount_fen > 0),
    refunded_fen      INTEGER NOT NULL DEFAULT 0
                              CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen),
    subject           TEXT    NOT NULL,
    state             INTEGER NOT NULL CHECK (state BETWEEN 0 AND 7),
    provider_trade_no TEXT,
    store_id          TEXT    NOT NULL,
    terminal_id       TEXT    NOT NULL,
    cashier_id        TEXT,
    created_at_ms     INTEGER NOT NULL,
    updated_at_ms     INTEGER NOT NULL,
    paid_at_ms        INTEGER
);
INSERT INTO orders VALUES(1,'S001_T01_20261123_00000001','alipay','qr',1000,0,'Tea',3,'2026112322001','S001','T01','alice',1795399200000,1795399260000,1795399260000);
INSERT INTO orders VALUES(2,'S001_T01_20261123_00000002','wechat','qr',2500,500,'Cake',4,'4200001','S001','T01','alice',1795446000000,1795446100000,1795446060000);
INSERT INTO orders VALUES(3,'S001_T01_20261124_00000003','alipay','code',300,0,'Water',1,NULL,'S001','T01','bob',1795451400000,1795451400000,NULL);
CREATE TABLE order_items (
    order_id       INTEGER NOT NULL REFERENCES orders(id),
    line_no        INTEGER NOT NULL,
    name           TEXT    NOT NULL,
    quantity       INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_fen INTEGER NOT NULL CHECK (unit_price_fen >= 0),
    PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;
INSERT INTO order_items VALUES(1,1,'Tea',2,500);
CREATE TABLE order_events (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    old_state       INTEGER,
    new_state       INTEGER NOT NULL,
    source          TEXT    NOT NULL,
    actor           TEXT    NOT NULL DEFAULT '',
    at_ms           INTEGER NOT NULL,
    refunded_fen    INTEGER NOT NULL DEFAULT 0,
    provider_fields TEXT    NOT NULL DEFAULT '{}',
    note            TEXT    NOT NULL DEFAULT ''
);
INSERT INTO order_events VALUES(1,1,NULL,0,'cashier','alice',1795399200000,0,'{}','');
INSERT INTO order_events VALUES(2,1,0,3,'request','engine',1795399260000,0,'{"trade_status":"TRADE_SUCCESS"}','');
INSERT INTO order_events VALUES(3,2,NULL,0,'cashier','alice',1795446000000,0,'{}','');
INSERT INTO order_events VALUES(4,2,0,3,'push','engine',1795446060000,0,'{}','');
INSERT INTO order_events VALUES(5,2,3,4,'request','manager',1795446100000,500,'{}','');
INSERT INTO order_events VALUES(6,3,NULL,0,'cashier','bob',1795451400000,0,'{}','');
INSERT INTO order_events VALUES(7,3,0,1,'request','engine',1795451400000,0,'{}','');
CREATE TABLE outbox (
    id                 INTEGER PRIMARY KEY,
    event_id           INTEGER NOT NULL UNIQUE REFERENCES order_events(id),
    idempotency_key    TEXT    NOT NULL UNIQUE,
    payload            TEXT    NOT NULL,
    created_at_ms      INTEGER NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at_ms INTEGER NOT NULL DEFAULT 0,
    sent_at_ms         INTEGER
);
INSERT INTO outbox VALUES(1,1,'k1','{}',1795399200000,0,0,1795399200001);
INSERT INTO outbox VALUES(2,2,'k2','{}',1795399260000,0,0,1795399260001);
INSERT INTO outbox VALUES(3,3,'k3','{}',1795446000000,0,0,1795446000001);
INSERT INTO outbox VALUES(4,4,'k4','{}',1795446060000,0,0,NULL);
INSERT INTO outbox VALUES(5,5,'k5','{}',1795446100000,0,0,NULL);
INSERT INTO outbox VALUES(6,6,'k6','{}',1795451400000,0,0,NULL);
INSERT INTO outbox VALUES(7,7,'k7','{}',1795451400000,0,0,NULL);
CREATE TABLE sequences (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO sequences VALUES('out_trade_no',3);
CREATE TABLE daily_totals (
    day          INTEGER NOT NULL,
    channel      TEXT    NOT NULL,
    paid_count   INTEGER NOT NULL DEFAULT 0,
    paid_fen     INTEGER NOT NULL DEFAULT 0,
    refunded_fen INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, channel)
) WITHOUT ROWID;
INSERT INTO daily_totals VALUES(20261123,'alipay',1,1000,0);
INSERT INTO daily_totals VALUES(20261123,'wechat',1,2500,500);
CREATE TABLE refunds (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    out_request_no  TEXT    NOT NULL UNIQUE,
    amount_fen      INTEGER NOT NULL CHECK (amount_fen > 0),
    reason          TEXT    NOT NULL DEFAULT '',
    actor           TEXT    NOT NULL DEFAULT '',
    state           INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),
    created_at_ms   INTEGER NOT NULL,
    updated_at_ms   INTEGER NOT NULL
);
INSERT INTO refunds VALUES(1,2,'S001_T01_20261123_00000002_R1',500,'broken cake','manager',1,1795446090000,1795446100000);
CREATE TABLE staff (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
    pin_hash   TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO staff VALUES('alice','Alice','cashier','scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA$AAAA',1795399000000);
CREATE TABLE pin_failures (
    key             TEXT    PRIMARY KEY,
    count           INTEGER NOT NULL CHECK (count >= 0),
    locked_until_ms INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO pin_failures VALUES('alice',2,0);
CREATE TABLE shifts (
        id                INTEGER PRIMARY KEY,
        cashier_id        TEXT    NOT NULL,
        opened_at_ms      INTEGER NOT NULL,
        opening_float_fen INTEGER CHECK (opening_float_fen IS NULL OR opening_float_fen >= 0),
        closed_at_ms      INTEGER,
        closed_by         TEXT    NOT NULL DEFAULT ''
    );
CREATE TABLE z_reports (
        seq          INTEGER PRIMARY KEY CHECK (seq > 0),
        business_day INTEGER NOT NULL UNIQUE,
        from_day     INTEGER NOT NULL,
        taken_at_ms  INTEGER NOT NULL,
        taken_by     TEXT    NOT NULL,
        snapshot     TEXT    NOT NULL
    );
CREATE TABLE report_totals (
        business_day INTEGER NOT NULL,
        hour         INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
        channel      TEXT    NOT NULL,
        cashier_id   TEXT    NOT NULL,
        shift_id     INTEGER NOT NULL,
        sale_count   INTEGER NOT NULL DEFAULT 0,
        sale_fen     INTEGER NOT NULL DEFAULT 0,
        refund_count INTEGER NOT NULL DEFAULT 0,
        refund_fen   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (business_day, hour, channel, cashier_id, shift_id)
    ) WITHOUT ROWID;
INSERT INTO report_totals VALUES(20261123,10,'alipay','alice',0,1,1000,0,0);
INSERT INTO report_totals VALUES(20261123,23,'wechat','alice',0,1,2500,1,500);
CREATE TABLE report_refunds (
        id           INTEGER PRIMARY KEY,
        business_day INTEGER NOT NULL,
        at_ms        INTEGER NOT NULL,
        order_id     INTEGER NOT NULL REFERENCES orders(id),
        event_id     INTEGER NOT NULL UNIQUE REFERENCES order_events(id),
        channel      TEXT    NOT NULL,
        cashier_id   TEXT    NOT NULL,
        shift_id     INTEGER NOT NULL,
        amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
        approved_by  TEXT    NOT NULL,
        reason       TEXT    NOT NULL
    );
INSERT INTO report_refunds VALUES(1,20261123,1795446100000,2,5,'wechat','alice',0,500,'manager','broken cake');
CREATE INDEX order_events_by_order ON order_events(order_id, id);
CREATE INDEX outbox_unsent ON outbox(next_attempt_at_ms, id) WHERE sent_at_ms IS NULL;
CREATE INDEX orders_by_created ON orders(created_at_ms, id);
CREATE INDEX orders_by_state ON orders(state, created_at_ms, id);
CREATE INDEX orders_by_channel ON orders(channel, created_at_ms, id);
CREATE INDEX orders_open ON orders(created_at_ms) WHERE state IN (0, 1, 2);
CREATE INDEX orders_by_provider_trade_no ON orders(provider_trade_no);
CREATE INDEX refunds_by_order ON refunds(order_id, id);
CREATE INDEX refunds_open ON refunds(created_at_ms) WHERE state IN (0, 3);
CREATE UNIQUE INDEX shifts_one_open ON shifts((closed_at_ms IS NULL))
       WHERE closed_at_ms IS NULL;
CREATE TRIGGER z_reports_never_change BEFORE UPDATE ON z_reports
       BEGIN SELECT RAISE(ABORT, 'a Z report is never changed'); END;
CREATE TRIGGER z_reports_never_deleted BEFORE DELETE ON z_reports
       BEGIN SELECT RAISE(ABORT, 'a Z report is never deleted'); END;
CREATE INDEX report_totals_by_shift ON report_totals(shift_id);
CREATE INDEX report_refunds_by_day ON report_refunds(business_day, id);
CREATE INDEX report_refunds_by_shift ON report_refunds(shift_id, id);
CREATE TABLE orders_v7 (
        id                INTEGER PRIMARY KEY,
        out_trade_no      TEXT    NOT NULL UNIQUE,
        channel           TEXT    NOT NULL CHECK (channel IN ('alipay', 'wechat', 'cash')),
        flow              TEXT    NOT NULL CHECK (flow IN ('qr', 'code', 'cash')),
        amount_fen        INTEGER NOT NULL CHECK (amount_fen > 0),
        refunded_fen      INTEGER NOT NULL DEFAULT 0
                                  CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen),
        subject           TEXT    NOT NULL,
        state             INTEGER NOT NULL CHECK (state BETWEEN 0 AND 7),
        provider_trade_no TEXT,
        store_id          TEXT    NOT NULL,
        terminal_id       TEXT    NOT NULL,
        cashier_id        TEXT,
        created_at_ms     INTEGER NOT NULL,
        updated_at_ms     INTEGER NOT NULL,
        paid_at_ms        INTEGER,
        CHECK ((channel = 'cash') = (flow = 'cash'))
    );
INSERT INTO orders_v7 (id, out_trade_no, channel, flow, amount_fen, refunded_fen, subject,
                             state, provider_trade_no, store_id, terminal_id, cashier_id,
                             created_at_ms, updated_at_ms, paid_at_ms)
       SELECT id, out_trade_no, channel, flow, amount_fen, refunded_fen, subject, state,
              provider_trade_no, store_id, terminal_id, cashier_id, created_at_ms, updated_at_ms,
              paid_at_ms
       FROM orders;
DROP TABLE orders;
ALTER TABLE orders_v7 RENAME TO orders;
CREATE INDEX orders_by_created ON orders(created_at_ms, id);
CREATE INDEX orders_by_state ON orders(state, created_at_ms, id);
CREATE INDEX orders_by_channel ON orders(channel, created_at_ms, id);
CREATE INDEX orders_open ON orders(created_at_ms) WHERE state IN (0, 1, 2);
CREATE INDEX orders_by_provider_trade_no ON orders(provider_trade_no);
ALTER TABLE shifts ADD COLUMN expected_cash_fen INTEGER;
ALTER TABLE shifts ADD COLUMN counted_cash_fen INTEGER
       CHECK (counted_cash_fen IS NULL OR counted_cash_fen >= 0);
ALTER TABLE shifts ADD COLUMN cash_difference_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX orders_by_channel_paid ON orders(channel, paid_at_ms);
CREATE INDEX refunds_by_created ON refunds(created_at_ms);
CREATE INDEX refunds_by_updated ON refunds(updated_at_ms);
PRAGMA user_version = 8;
