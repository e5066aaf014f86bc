/// The console's pages, one Mustache file per page under `Templates/`, embedded in the binary by
/// SwiftPM (`embedInCode`), so Sesame loads no asset from anywhere else. `{{x}}` is
/// HTML-escaped; `{{{x}}}` is used only for HTML that Sesame rendered itself.
enum Templates {
    /// Every template by the name pages render it with.
    static let all: [String: [UInt8]] = [
        "layout": PackageResources.layout_mustache, "signin": PackageResources.signin_mustache,
        "home": PackageResources.home_mustache, "smtp": PackageResources.smtp_mustache,
        "smtp-create": PackageResources.smtp_create_mustache, "smtp-created": PackageResources.smtp_created_mustache,
        "error": PackageResources.error_mustache, "users": PackageResources.users_mustache,
        "user-delete": PackageResources.user_delete_mustache, "user": PackageResources.user_mustache,
        "user-create": PackageResources.user_create_mustache, "key-created": PackageResources.key_created_mustache,
        "identities": PackageResources.identities_mustache, "sending": PackageResources.sending_mustache,
        "mail": PackageResources.mail_mustache, "message": PackageResources.message_mustache,
        "queue": PackageResources.queue_mustache, "suppression": PackageResources.suppression_mustache,
        "region-picker": PackageResources.region_picker_mustache, "groups": PackageResources.groups_mustache,
        "group": PackageResources.group_mustache, "roles": PackageResources.roles_mustache, "role": PackageResources.role_mustache,
        "policies": PackageResources.policies_mustache, "policy": PackageResources.policy_mustache,
        "entity-delete": PackageResources.entity_delete_mustache, "change-password": PackageResources.change_password_mustache,
        "password-policy": PackageResources.password_policy_mustache,
        "configuration-sets": PackageResources.configuration_sets_mustache,
        "contact-lists": PackageResources.contact_lists_mustache,
        "messaging": PackageResources.messaging_mustache,
        "queue-messages": PackageResources.queue_messages_mustache,
        "receiving": PackageResources.receiving_mustache,
    ]
}
