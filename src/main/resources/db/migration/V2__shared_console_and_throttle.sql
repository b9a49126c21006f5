-- What a request may need on whichever node it lands: console sign-ins and the guessing throttle's counts.
-- Written for both the embedded H2 (PostgreSQL mode) and PostgreSQL.

-- A signed-in console user. Keyed by the SHA-256 (hex) of the cookie's session id: nothing here rebuilds a cookie.
CREATE TABLE console_session (
    session_key      VARCHAR(64)  PRIMARY KEY,
    operator         BOOLEAN      NOT NULL,
    service_name     VARCHAR(64),
    csrf_token       VARCHAR(64)  NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    -- shown once by the next page view, whichever node serves it
    created_token_id VARCHAR(36),
    notice           VARCHAR(512)
);
CREATE INDEX console_session_service ON console_session (service_name);

-- The guessing throttle: for each client address or username digest, when its debt of failed attempts is paid back
-- (epoch microseconds). Charged by one conditional UPDATE, so parallel attempts on several nodes cannot overspend.
CREATE TABLE attempt_ledger (
    ledger_key VARCHAR(128) PRIMARY KEY,
    paid_until BIGINT       NOT NULL
);
CREATE INDEX attempt_ledger_paid ON attempt_ledger (paid_until);
