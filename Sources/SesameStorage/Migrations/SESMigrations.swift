/// Versions 17 and later: SES's identity settings, configuration set options and sending
/// authorization policies.
extension Migrations {
    static let sesSettings: [Migration] = [
        Migration(
            version: 17, name: "SES identity settings, configuration set options and identity policies",
            statements: [
                // JSON documents (`IdentitySettings`, `ConfigurationSetOptions`); NULL is the defaults.
                "ALTER TABLE ses_identities ADD COLUMN settings TEXT",
                "ALTER TABLE ses_configuration_sets ADD COLUMN options TEXT",
                """
                CREATE TABLE ses_identity_policies (
                    region TEXT NOT NULL,
                    identity TEXT NOT NULL,
                    name TEXT NOT NULL,
                    document TEXT NOT NULL,
                    PRIMARY KEY (region, identity, name)
                )
                """,
            ]),
        Migration(
            version: 18, name: "SES custom verification email templates",
            statements: [
                """
                CREATE TABLE ses_custom_verification_templates (
                    region TEXT NOT NULL,
                    name TEXT NOT NULL,
                    from_address TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    content TEXT NOT NULL,
                    success_url TEXT NOT NULL,
                    failure_url TEXT NOT NULL,
                    tags TEXT,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (region, name)
                )
                """
            ]),
        Migration(
            version: 19, name: "SES contact lists and contacts",
            statements: [
                // The list's topics and each contact's preferences are small JSON documents.
                """
                CREATE TABLE ses_contact_lists (
                    region TEXT NOT NULL,
                    name TEXT NOT NULL,
                    document TEXT NOT NULL,
                    PRIMARY KEY (region, name)
                )
                """,
                """
                CREATE TABLE ses_contacts (
                    region TEXT NOT NULL,
                    list_name TEXT NOT NULL,
                    email TEXT NOT NULL,
                    document TEXT NOT NULL,
                    PRIMARY KEY (region, list_name, email)
                )
                """,
            ]),
        Migration(
            version: 20, name: "SES event destinations of every type; open, click and rendering-failure event details",
            statements: [
                // `EventDestinationTarget` as JSON; NULL for the SNS destinations made before.
                "ALTER TABLE ses_event_destinations ADD COLUMN target TEXT",
                "ALTER TABLE ses_event_destinations ADD COLUMN undelivered BIGINT NOT NULL DEFAULT 0",
                // Open and click events' link tags, as JSON.
                "ALTER TABLE delivery_events ADD COLUMN tags TEXT",
            ]),
        Migration(
            version: 21, name: "SES identities verified by DNS",
            statements: [
                // `DNSVerificationState` as JSON; NULL when the identity is not checked in DNS.
                "ALTER TABLE ses_identities ADD COLUMN dns_state TEXT",
                "ALTER TABLE ses_identities ADD COLUMN dns_next_check BIGINT",
                "CREATE INDEX ses_identities_dns_next_check ON ses_identities (dns_next_check)",
            ]),
        Migration(
            version: 22, name: "SES import and export jobs",
            statements: [
                // The job as a JSON document (`DataJob`); status and owner for claiming it.
                """
                CREATE TABLE ses_jobs (
                    id TEXT PRIMARY KEY,
                    region TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    status TEXT NOT NULL,
                    owner TEXT,
                    created_at BIGINT NOT NULL,
                    document TEXT NOT NULL
                )
                """,
                "CREATE INDEX ses_jobs_status ON ses_jobs (status, created_at)",
            ]),
        Migration(
            version: 23, name: "SQS queues and messages",
            statements: [
                // The queue as a JSON document (`SQSQueue`); `key` is REGION/ACCOUNT/NAME.
                """
                CREATE TABLE sqs_queues (
                    key TEXT PRIMARY KEY,
                    region TEXT NOT NULL,
                    name TEXT NOT NULL,
                    document TEXT NOT NULL,
                    purged_at BIGINT NOT NULL DEFAULT 0
                )
                """,
                """
                CREATE TABLE sqs_messages (
                    id TEXT PRIMARY KEY,
                    queue_key TEXT NOT NULL,
                    body TEXT NOT NULL,
                    attributes TEXT,
                    sender_id TEXT NOT NULL,
                    sent_at BIGINT NOT NULL,
                    visible_at BIGINT NOT NULL,
                    receive_count INTEGER NOT NULL,
                    first_received_at BIGINT,
                    receipt_handle TEXT,
                    group_id TEXT,
                    deduplication_id TEXT,
                    sequence_number TEXT
                )
                """,
                "CREATE INDEX sqs_messages_due ON sqs_messages (queue_key, visible_at)",
                "CREATE INDEX sqs_messages_receipt ON sqs_messages (receipt_handle)",
            ]),
        Migration(
            version: 24, name: "SNS subscription attributes and topic tags",
            statements: [
                "ALTER TABLE sns_subscriptions ADD COLUMN attributes TEXT",
                "ALTER TABLE sns_topics ADD COLUMN tags TEXT",
            ]),
        Migration(
            version: 25, name: "SQS FIFO deduplication window",
            statements: [
                """
                CREATE TABLE sqs_deduplication (
                    queue_key TEXT NOT NULL,
                    deduplication_id TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    sequence_number TEXT,
                    sent_at BIGINT NOT NULL,
                    PRIMARY KEY (queue_key, deduplication_id)
                )
                """
            ]),
        Migration(
            version: 26, name: "SQS message move tasks and where a dead-lettered message came from",
            statements: [
                """
                CREATE TABLE sqs_move_tasks (
                    handle TEXT PRIMARY KEY,
                    source_key TEXT NOT NULL,
                    source_arn TEXT NOT NULL,
                    destination_arn TEXT,
                    max_per_second INTEGER,
                    status TEXT NOT NULL,
                    moved INTEGER NOT NULL,
                    to_move INTEGER NOT NULL,
                    failure_reason TEXT,
                    started_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX sqs_move_tasks_source ON sqs_move_tasks (source_key, started_at)",
                "ALTER TABLE sqs_messages ADD COLUMN origin_key TEXT",
            ]),
        Migration(
            version: 27, name: "SES receiving: receipt rule sets (their rules inside), the active set per region, receipt filters",
            statements: [
                """
                CREATE TABLE ses_receipt_rule_sets (
                    region TEXT NOT NULL,
                    name TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    document TEXT NOT NULL,
                    PRIMARY KEY (region, name)
                )
                """,
                "CREATE TABLE ses_receipt_active (region TEXT PRIMARY KEY, name TEXT NOT NULL)",
                """
                CREATE TABLE ses_receipt_filters (
                    region TEXT NOT NULL,
                    name TEXT NOT NULL,
                    document TEXT NOT NULL,
                    PRIMARY KEY (region, name)
                )
                """,
            ]),
        Migration(
            version: 28, name: "SES receiving: messages accepted by inbound listeners",
            statements: [
                """
                CREATE TABLE inbound_messages (
                    id TEXT PRIMARY KEY,
                    region TEXT NOT NULL,
                    rule_set TEXT NOT NULL,
                    mail_from TEXT NOT NULL,
                    recipients TEXT NOT NULL,
                    raw_base64 TEXT NOT NULL,
                    remote_address TEXT NOT NULL,
                    tls INTEGER NOT NULL,
                    received_at BIGINT NOT NULL,
                    state TEXT NOT NULL
                )
                """,
                "CREATE INDEX inbound_messages_received ON inbound_messages (region, received_at)",
                "CREATE INDEX inbound_messages_state ON inbound_messages (state, received_at)",
            ]),
        Migration(
            version: 29,
            name: "SES receiving: processing state of received messages (verdicts, the rule set's steps, steps done, retries, lease)",
            statements: [
                "ALTER TABLE inbound_messages ADD COLUMN helo TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE inbound_messages ADD COLUMN verdicts TEXT",
                "ALTER TABLE inbound_messages ADD COLUMN steps TEXT",
                "ALTER TABLE inbound_messages ADD COLUMN next_step INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE inbound_messages ADD COLUMN outcomes TEXT NOT NULL DEFAULT '[]'",
                "ALTER TABLE inbound_messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE inbound_messages ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE inbound_messages ADD COLUMN lease_owner TEXT",
                "ALTER TABLE inbound_messages ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0",
                "CREATE INDEX inbound_messages_due ON inbound_messages (state, next_attempt_at)",
            ]),
        Migration(
            version: 30, name: "Retention: messages and events by age, across regions",
            statements: [
                "CREATE INDEX messages_created ON messages (created_at)",
                "CREATE INDEX delivery_events_created ON delivery_events (created_at)",
            ]),
        Migration(
            version: 31, name: "Nodes: which nodes run on this store, seen when, doing what",
            statements: [
                """
                CREATE TABLE nodes (
                    name TEXT PRIMARY KEY,
                    version TEXT NOT NULL,
                    started_at BIGINT NOT NULL,
                    last_seen BIGINT NOT NULL,
                    doing TEXT NOT NULL
                )
                """
            ]),
        Migration(
            version: 32, name: "Several nodes: one sending-rate bucket per region, and leases for background work",
            statements: [
                "CREATE TABLE send_rate_buckets (region TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, updated_at BIGINT NOT NULL)",
                "CREATE TABLE background_leases (job TEXT PRIMARY KEY, owner TEXT NOT NULL, until_at BIGINT NOT NULL)",
            ]),
    ]
}
