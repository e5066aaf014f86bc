extension Migrations {
    /// Version 33 on: the captured-mail workbench's index.
    static let workbench: [Migration] = [
        Migration(
            version: 33, name: "Captured mail workbench: a search index of stored messages (SQLite FTS5, PostgreSQL tsvector), read flags",
            // Accepting a message only notes its ID (a trigger, in the message's own commit);
            // a background indexer parses it and fills the index off the sending path.
            statements: [
                "CREATE TABLE mail_index_pending (message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE)",
                "INSERT INTO mail_index_pending (message_id) SELECT id FROM messages",
            ],
            engineStatements: [
                .sqlite: [
                    indexTable(key: "seq INTEGER PRIMARY KEY"),
                    // Searches walk this index newest first and test the filters on its own
                    // columns, never reading the wider rows (snippet, addresses) they skip.
                    """
                    CREATE INDEX mail_index_scan ON mail_index (created_at, message_id, seen, attachments, inline_parts, size, via,
                        from_key, to_key, cc_key, bcc_key, reply_to_key, subject_key, header_message_id, principal)
                    """,
                    "CREATE INDEX mail_index_seen ON mail_index (seen, created_at, message_id)",
                    summaryTable,
                    "CREATE VIRTUAL TABLE mail_text USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')",
                    "CREATE TRIGGER mail_index_forget AFTER DELETE ON mail_index BEGIN DELETE FROM mail_text WHERE rowid = OLD.seq; END",
                    """
                    CREATE TRIGGER messages_to_index AFTER INSERT ON messages FOR EACH ROW
                    BEGIN
                        INSERT INTO mail_index_pending (message_id) VALUES (NEW.id);
                    END
                    """,
                ],
                .postgresql: [
                    indexTable(key: "seq BIGSERIAL PRIMARY KEY"),
                    // No covering index here: a B-tree entry has a size limit that long address lists pass.
                    "CREATE INDEX mail_index_created ON mail_index (created_at, message_id)",
                    "CREATE INDEX mail_index_seen ON mail_index (seen, created_at, message_id)",
                    summaryTable,
                    "CREATE TABLE mail_text (seq BIGINT PRIMARY KEY REFERENCES mail_index(seq) ON DELETE CASCADE, doc tsvector NOT NULL)",
                    "CREATE INDEX mail_text_doc ON mail_text USING GIN (doc)",
                    """
                    CREATE FUNCTION sesame_mail_to_index() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        INSERT INTO mail_index_pending (message_id) VALUES (NEW.id);
                        RETURN NULL;
                    END
                    $$
                    """,
                    "CREATE TRIGGER messages_to_index AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION sesame_mail_to_index()",
                ],
            ])
    ]

    static func indexTable(key: String) -> String {
        """
        CREATE TABLE mail_index (
            \(key),
            message_id TEXT NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,
            region TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            from_key TEXT NOT NULL,
            to_key TEXT NOT NULL,
            cc_key TEXT NOT NULL,
            bcc_key TEXT NOT NULL,
            reply_to_key TEXT NOT NULL,
            subject TEXT NOT NULL,
            subject_key TEXT NOT NULL,
            header_message_id TEXT NOT NULL,
            principal TEXT NOT NULL,
            via TEXT NOT NULL,
            size BIGINT NOT NULL,
            attachments INTEGER NOT NULL,
            inline_parts INTEGER NOT NULL,
            seen INTEGER NOT NULL DEFAULT 0
        )
        """
    }

    /// What lists show of a message and searches never test, apart so that searches scan narrow rows.
    static let summaryTable = """
        CREATE TABLE mail_summaries (
            seq BIGINT PRIMARY KEY REFERENCES mail_index(seq) ON DELETE CASCADE,
            snippet TEXT NOT NULL,
            addresses TEXT NOT NULL
        )
        """
}
