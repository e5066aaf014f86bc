/// Versioned schema migrations. The SQL is written once for both engines: only types both
/// understand (TEXT, BIGINT, INTEGER) and constraints both enforce. Dates are epoch milliseconds.
/// Where the engines' grammars part (triggers), `engineStatements` holds each engine's version.
/// Never edit a released migration: add a new one.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var statements: [String]
    /// Run after `statements`, keyed by engine (`sqlite`, `postgresql`).
    public var engineStatements: [StorageEngine: [String]] = [:]

    public func statements(for engine: StorageEngine) -> [String] {
        statements + (engineStatements[engine] ?? [])
    }
}

public enum Migrations {
    /// Every migration, oldest first.
    public static let all: [Migration] = foundation + iamEntities + sesSettings + workbench

    /// Versions 1–12: accounts, IAM users, SES, the queue and SNS.
    static let foundation: [Migration] = [
        Migration(
            version: 1, name: "accounts and IAM",
            statements: [
                """
                CREATE TABLE accounts (
                    id TEXT PRIMARY KEY,
                    root_email TEXT NOT NULL,
                    root_password_hash TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                """
                CREATE TABLE iam_users (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES accounts(id),
                    name TEXT NOT NULL,
                    name_lower TEXT NOT NULL,
                    path TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    password_last_used BIGINT
                )
                """,
                "CREATE UNIQUE INDEX iam_users_name ON iam_users (account_id, name_lower)",
                """
                CREATE TABLE iam_user_tags (
                    user_id TEXT NOT NULL REFERENCES iam_users(id) ON DELETE CASCADE,
                    tag_key TEXT NOT NULL,
                    tag_value TEXT NOT NULL,
                    position BIGINT NOT NULL,
                    PRIMARY KEY (user_id, tag_key)
                )
                """,
                """
                CREATE TABLE access_keys (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES accounts(id),
                    user_id TEXT REFERENCES iam_users(id) ON DELETE CASCADE,
                    encrypted_secret TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    last_used_at BIGINT,
                    last_used_service TEXT,
                    last_used_region TEXT
                )
                """,
                "CREATE INDEX access_keys_user ON access_keys (user_id)",
                """
                CREATE TABLE login_profiles (
                    user_id TEXT PRIMARY KEY REFERENCES iam_users(id) ON DELETE CASCADE,
                    password_hash TEXT NOT NULL,
                    password_reset_required INTEGER NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE inline_policies (
                    user_id TEXT NOT NULL REFERENCES iam_users(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    document TEXT NOT NULL,
                    PRIMARY KEY (user_id, name)
                )
                """,
                """
                CREATE TABLE attached_policies (
                    user_id TEXT NOT NULL REFERENCES iam_users(id) ON DELETE CASCADE,
                    policy_arn TEXT NOT NULL,
                    attached_at BIGINT NOT NULL,
                    PRIMARY KEY (user_id, policy_arn)
                )
                """,
                "CREATE INDEX attached_policies_arn ON attached_policies (policy_arn)",
            ]),
        Migration(
            version: 2, name: "SES identities and accepted messages",
            statements: [
                """
                CREATE TABLE ses_identities (
                    region TEXT NOT NULL,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    status TEXT NOT NULL,
                    verification_token TEXT,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (region, name)
                )
                """,
                """
                CREATE TABLE messages (
                    id TEXT PRIMARY KEY,
                    region TEXT NOT NULL,
                    source TEXT NOT NULL,
                    destinations TEXT NOT NULL,
                    recipient_count INTEGER NOT NULL,
                    subject TEXT,
                    raw_base64 TEXT NOT NULL,
                    principal_arn TEXT NOT NULL,
                    via TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX messages_region_created ON messages (region, created_at)",
            ]),
        Migration(
            version: 3, name: "SES templates and configuration sets",
            statements: [
                """
                CREATE TABLE ses_templates (
                    region TEXT NOT NULL,
                    name TEXT NOT NULL,
                    subject TEXT,
                    text_part TEXT,
                    html_part TEXT,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (region, name)
                )
                """,
                """
                CREATE TABLE ses_configuration_sets (
                    region TEXT NOT NULL,
                    name TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (region, name)
                )
                """,
            ]),
        Migration(
            version: 4, name: "SES account-level suppression list",
            statements: [
                """
                CREATE TABLE ses_suppressed (
                    region TEXT NOT NULL,
                    address TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    PRIMARY KEY (region, address)
                )
                """
            ]),
        Migration(
            version: 5, name: "per-minute send counters",
            statements: [
                """
                CREATE TABLE send_counters (
                    region TEXT NOT NULL,
                    minute BIGINT NOT NULL,
                    recipients BIGINT NOT NULL,
                    PRIMARY KEY (region, minute)
                )
                """,
                """
                INSERT INTO send_counters (region, minute, recipients)
                SELECT region, created_at / 60000, SUM(recipient_count) FROM messages GROUP BY region, created_at / 60000
                """,
            ]),
        Migration(
            version: 6, name: "SMTP login failures and deleted access keys",
            statements: [
                """
                CREATE TABLE smtp_auth_failures (
                    id TEXT PRIMARY KEY,
                    at BIGINT NOT NULL,
                    source_address TEXT NOT NULL,
                    username TEXT NOT NULL,
                    access_key_id TEXT,
                    user_name TEXT,
                    diagnosis TEXT NOT NULL,
                    detail TEXT
                )
                """,
                "CREATE INDEX smtp_auth_failures_at ON smtp_auth_failures (at)",
                "CREATE INDEX smtp_auth_failures_user ON smtp_auth_failures (user_name, at)",
                """
                CREATE TABLE deleted_access_keys (
                    id TEXT PRIMARY KEY,
                    user_name TEXT,
                    deleted_at BIGINT NOT NULL
                )
                """,
            ]),
        Migration(
            version: 7, name: "Easy DKIM tokens of domain identities",
            statements: ["ALTER TABLE ses_identities ADD COLUMN dkim_tokens TEXT"]),
        Migration(
            version: 8, name: "console sessions",
            statements: [
                """
                CREATE TABLE console_sessions (
                    token_hash TEXT PRIMARY KEY,
                    user_id TEXT,
                    csrf TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    last_seen_at BIGINT NOT NULL
                )
                """
            ]),
        Migration(
            version: 9, name: "delivery queue and events",
            statements: [
                """
                CREATE TABLE delivery_queue (
                    message_id TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    region TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    queued_at BIGINT NOT NULL,
                    next_attempt_at BIGINT NOT NULL,
                    lease_owner TEXT,
                    lease_until BIGINT NOT NULL,
                    last_reply TEXT,
                    updated_at BIGINT NOT NULL,
                    size INTEGER NOT NULL,
                    PRIMARY KEY (message_id, recipient)
                )
                """,
                "CREATE INDEX delivery_queue_due ON delivery_queue (state, next_attempt_at)",
                """
                CREATE TABLE delivery_events (
                    id TEXT PRIMARY KEY,
                    message_id TEXT NOT NULL,
                    region TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    recipients TEXT NOT NULL,
                    type TEXT,
                    sub_type TEXT,
                    detail TEXT,
                    reporting_mta TEXT,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX delivery_events_message ON delivery_events (message_id, created_at)",
            ]),
        Migration(
            version: 10, name: "DKIM signing keys",
            statements: [
                """
                CREATE TABLE dkim_keys (
                    region TEXT NOT NULL,
                    domain TEXT NOT NULL,
                    origin TEXT NOT NULL,
                    selectors TEXT NOT NULL,
                    private_key_sealed TEXT NOT NULL,
                    public_key TEXT NOT NULL,
                    key_bits INTEGER NOT NULL,
                    signing_enabled INTEGER NOT NULL,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (region, domain)
                )
                """
            ]),
        Migration(
            version: 11, name: "SNS topics, subscriptions and outbox; SES notification topics and event destinations",
            statements: [
                """
                CREATE TABLE sns_topics (
                    arn TEXT PRIMARY KEY,
                    region TEXT NOT NULL,
                    name TEXT NOT NULL,
                    attributes TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE sns_subscriptions (
                    arn TEXT PRIMARY KEY,
                    topic_arn TEXT NOT NULL,
                    protocol TEXT NOT NULL,
                    endpoint TEXT NOT NULL,
                    confirmed INTEGER NOT NULL,
                    token TEXT NOT NULL,
                    raw_delivery INTEGER NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX sns_subscriptions_topic ON sns_subscriptions (topic_arn)",
                """
                CREATE TABLE sns_outbox (
                    id TEXT PRIMARY KEY,
                    subscription_arn TEXT NOT NULL,
                    endpoint TEXT NOT NULL,
                    message_type TEXT NOT NULL,
                    topic_arn TEXT NOT NULL,
                    body TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    next_attempt_at BIGINT NOT NULL,
                    lease_owner TEXT,
                    lease_until BIGINT NOT NULL,
                    last_error TEXT,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX sns_outbox_due ON sns_outbox (state, next_attempt_at)",
                """
                CREATE TABLE ses_notification_topics (
                    region TEXT NOT NULL,
                    identity TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    topic_arn TEXT NOT NULL,
                    include_headers INTEGER NOT NULL,
                    PRIMARY KEY (region, identity, kind)
                )
                """,
                """
                CREATE TABLE ses_event_destinations (
                    region TEXT NOT NULL,
                    configuration_set TEXT NOT NULL,
                    name TEXT NOT NULL,
                    enabled INTEGER NOT NULL,
                    event_types TEXT NOT NULL,
                    topic_arn TEXT NOT NULL,
                    PRIMARY KEY (region, configuration_set, name)
                )
                """,
                "ALTER TABLE messages ADD COLUMN configuration_set TEXT",
            ]),
        Migration(
            version: 12, name: "recipients counted toward the quota by a trigger, as each message is inserted",
            // The count then commits with the message even when a batch of messages is one
            // INSERT that is its own transaction (MessageWriter's quickest path).
            statements: ["ALTER TABLE messages ADD COLUMN quota_exempt INTEGER NOT NULL DEFAULT 0"],
            engineStatements: [
                .sqlite: [
                    """
                    CREATE TRIGGER messages_count_recipients AFTER INSERT ON messages FOR EACH ROW WHEN NEW.quota_exempt = 0
                    BEGIN
                        INSERT INTO send_counters (region, minute, recipients) VALUES (NEW.region, NEW.created_at / 60000, NEW.recipient_count)
                        ON CONFLICT (region, minute) DO UPDATE SET recipients = recipients + excluded.recipients;
                    END
                    """
                ],
                .postgresql: [
                    """
                    CREATE FUNCTION sesame_count_recipients() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        INSERT INTO send_counters (region, minute, recipients) VALUES (NEW.region, NEW.created_at / 60000, NEW.recipient_count)
                        ON CONFLICT (region, minute) DO UPDATE SET recipients = send_counters.recipients + excluded.recipients;
                        RETURN NULL;
                    END
                    $$
                    """,
                    """
                    CREATE TRIGGER messages_count_recipients AFTER INSERT ON messages FOR EACH ROW WHEN (NEW.quota_exempt = 0)
                    EXECUTE FUNCTION sesame_count_recipients()
                    """,
                ],
            ]),
    ]
}
