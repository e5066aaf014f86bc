/// Versions 13 and later: IAM's other entities (groups, customer managed policies, roles).
extension Migrations {
    static let iamEntities: [Migration] = [
        Migration(
            version: 13, name: "IAM groups, their members and policies",
            statements: [
                """
                CREATE TABLE iam_groups (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    name_lower TEXT NOT NULL UNIQUE,
                    path TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE iam_group_members (
                    group_id TEXT NOT NULL REFERENCES iam_groups(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES iam_users(id) ON DELETE CASCADE,
                    PRIMARY KEY (group_id, user_id)
                )
                """,
                "CREATE INDEX iam_group_members_user ON iam_group_members (user_id)",
                """
                CREATE TABLE iam_group_policies (
                    group_id TEXT NOT NULL REFERENCES iam_groups(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    document TEXT NOT NULL,
                    PRIMARY KEY (group_id, name)
                )
                """,
                """
                CREATE TABLE iam_group_attached_policies (
                    group_id TEXT NOT NULL REFERENCES iam_groups(id) ON DELETE CASCADE,
                    policy_arn TEXT NOT NULL,
                    attached_at BIGINT NOT NULL,
                    PRIMARY KEY (group_id, policy_arn)
                )
                """,
                "CREATE INDEX iam_group_attached_policies_arn ON iam_group_attached_policies (policy_arn)",
            ]),
        Migration(
            version: 14, name: "customer managed policies and their versions, roles, permissions boundaries, entity tags",
            statements: [
                """
                CREATE TABLE iam_policies (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL,
                    arn TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    name_lower TEXT NOT NULL UNIQUE,
                    path TEXT NOT NULL,
                    description TEXT NOT NULL,
                    default_version INTEGER NOT NULL,
                    next_version INTEGER NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE iam_policy_versions (
                    policy_id TEXT NOT NULL REFERENCES iam_policies(id) ON DELETE CASCADE,
                    version INTEGER NOT NULL,
                    document TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (policy_id, version)
                )
                """,
                """
                CREATE TABLE iam_roles (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    name_lower TEXT NOT NULL UNIQUE,
                    path TEXT NOT NULL,
                    description TEXT,
                    trust_policy TEXT NOT NULL,
                    max_session_duration INTEGER NOT NULL,
                    permissions_boundary TEXT,
                    created_at BIGINT NOT NULL,
                    last_used_at BIGINT,
                    last_used_region TEXT
                )
                """,
                """
                CREATE TABLE iam_role_policies (
                    role_id TEXT NOT NULL REFERENCES iam_roles(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    document TEXT NOT NULL,
                    PRIMARY KEY (role_id, name)
                )
                """,
                """
                CREATE TABLE iam_role_attached_policies (
                    role_id TEXT NOT NULL REFERENCES iam_roles(id) ON DELETE CASCADE,
                    policy_arn TEXT NOT NULL,
                    attached_at BIGINT NOT NULL,
                    PRIMARY KEY (role_id, policy_arn)
                )
                """,
                "CREATE INDEX iam_role_attached_policies_arn ON iam_role_attached_policies (policy_arn)",
                // Tags of policies and roles (users keep theirs in iam_user_tags); IDs are unique
                // across entity kinds (ANPA…, AROA…).
                """
                CREATE TABLE iam_entity_tags (
                    entity_id TEXT NOT NULL,
                    tag_key TEXT NOT NULL,
                    tag_value TEXT NOT NULL,
                    position BIGINT NOT NULL,
                    PRIMARY KEY (entity_id, tag_key)
                )
                """,
                "ALTER TABLE iam_users ADD COLUMN permissions_boundary TEXT",
            ]),
        Migration(
            version: 15, name: "STS temporary credentials",
            statements: [
                """
                CREATE TABLE sts_credentials (
                    access_key_id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL,
                    encrypted_secret TEXT NOT NULL,
                    token_hash TEXT NOT NULL,
                    holder_kind TEXT NOT NULL,
                    holder_id TEXT NOT NULL,
                    session_name TEXT,
                    session_policy TEXT,
                    policy_arns TEXT NOT NULL,
                    tags TEXT NOT NULL,
                    source_key_id TEXT,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX sts_credentials_expiry ON sts_credentials (expires_at)",
            ]),
        Migration(
            version: 16, name: "OpenID Connect identity providers",
            statements: [
                """
                CREATE TABLE iam_oidc_providers (
                    url TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL,
                    client_ids TEXT NOT NULL,
                    thumbprints TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """
            ]),
    ]
}
