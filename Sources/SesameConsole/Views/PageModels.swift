/// What each console page's template reads, as plain values (swift-mustache reads their
/// properties by name). Every page is rendered inside a `PageContext`, so `csrf`, `region`,
/// `displayName` and `accountID` resolve from any page and any row; a template opens with
/// `{{#page}}` to read its own model.
struct PageContext<Page: Sendable>: Sendable {
    var page: Page
    var csrf: String?
    var displayName: String?
    var accountID: String?
    var region: String
}

/// The frame around every page.
struct LayoutModel: Sendable {
    var title: String
    var body: String
    var signedIn: Bool
    var csrf: String?
    var displayName: String?
    var accountID: String?
    var region: String
    /// The node serving the page (`--node-name`).
    var node: String
}

/// A page that shows nothing of its own.
struct NoValues: Sendable {}

struct RegionChoice: Sendable {
    var name: String
    var selected: Bool
}

struct RegionPickerModel: Sendable {
    var action: String
    var regionChoices: [RegionChoice]
}

struct ErrorModel: Sendable {
    var heading: String
    var message: String
    var back: String
    /// A refusal's details, sealed, for STS DecodeAuthorizationMessage.
    var encodedMessage: String? = nil
}

struct HomeModel: Sendable {
    var regions: [String]
    var notice: String? = nil
}

struct SignInModel: Sendable {
    var signinCSRF: String
    var error: String?
    /// The account alias, shown and accepted in place of the account ID.
    var alias: String? = nil
}

struct SMTPSettingsModel: Sendable {
    var hostname: String
    var regions: [String]
    var regionChoices: [RegionChoice]
    var starttlsPorts: String
    var tlsPorts: String
}

struct SMTPCreateModel: Sendable {
    var proposedName: String
    var replacing: String?
    var error: String?
}

struct SMTPCreatedModel: Sendable {
    var userName: String
    var smtpUsername: String
    var hostname: String
    var smtpPassword: String
}

struct UsersModel: Sendable {
    struct Row: Sendable {
        var name: String
        var pathName: String
        var arn: String
        var created: String
    }
    var users: [Row]
    var notice: String?
}

struct UserDeleteModel: Sendable {
    var name: String
    var pathName: String
    var keys: [String]
    var policies: [String]
    var attached: [String]
    var hasPassword: Bool
    var nothing: Bool
}

struct UserCreateModel: Sendable {
    var error: String?
    var userName: String?
}

struct UserModel: Sendable {
    struct Key: Sendable {
        var id: String
        var status: String
        var created: String
        var lastUsed: String
        var toggle: String
        var toggleLabel: String
        var pathName: String
    }
    struct Policy: Sendable {
        var name: String
        var pathPolicy: String
        var pathName: String
    }
    struct Failure: Sendable {
        var time: String
        var source: String
        var username: String
        var diagnosis: String
        var explanation: String
    }
    var name: String
    var pathName: String
    var arn: String
    var created: String
    var hasPassword: Bool
    var keys: [Key]
    var policies: [Policy]
    var attached: [String]
    /// The user's groups, and the policies it has through them (`name (from group G)`).
    var groups: [String] = []
    var groupPolicies: [String] = []
    var failures: [Failure]
    var policyName: String
    var policyDocument: String
    var notice: String?
    var error: String?
}

struct KeyCreatedModel: Sendable {
    var name: String
    var pathName: String
    var keyID: String
    var secret: String
}

struct IdentitiesModel: Sendable {
    struct Record: Sendable {
        var name: String
        var value: String
    }
    struct Row: Sendable {
        var name: String
        var kind: String
        var status: String
        var token: String
        var dkimRecords: [Record]
        var dkimSigning: String
        var needsDkim: Bool
        /// The custom MAIL FROM domain and the records it needs (MX to Sesame, SPF).
        var mailFrom: String
        var mailFromRecords: [Record]
        var mailFromBehavior: String
        var defaultConfigurationSet: String
        /// Names of its sending authorization policies ("" when the viewer may not list them).
        var policies: String
    }
    var picker: String
    var identities: [Row]
    var notice: String?
    var error: String?
}

struct SendingModel: Sendable {
    var picker: String
    var max24: String
    var rate: String
    var sent: String
    var sandbox: Bool
    var chart: String
}

struct QueueModel: Sendable {
    struct State: Sendable {
        var name: String
        var count: Int
        var current: Bool
    }
    struct Row: Sendable {
        var id: String
        var recipient: String
        var attempts: Int
        var reply: String
        var next: String
        var queuedAt: String
        var queued: Bool
    }
    var states: [State]
    var state: String
    var queued: Bool
    var mode: String
    var rows: [Row]
    var notice: String?
}

struct ConfigurationSetsModel: Sendable {
    struct Row: Sendable {
        var name: String
        var sending: String
        var paused: Bool
        var options: [String]
        var destinations: [String]
    }
    var picker: String
    var sets: [Row]
    var notice: String?
    var error: String?
}

struct ContactListsModel: Sendable {
    struct ContactRow: Sendable {
        var list: String
        var email: String
        var status: String
    }
    struct List: Sendable {
        var name: String
        var description: String?
        var topics: [String]
        var contacts: [ContactRow]
    }
    var picker: String
    var lists: [List]
    var notice: String?
    var error: String?
}

struct SuppressionModel: Sendable {
    struct Entry: Sendable {
        var address: String
        var reason: String
        var time: String
    }
    var picker: String
    var entries: [Entry]
    var notice: String?
    var error: String?
}

struct MessagingModel: Sendable {
    struct Topic: Sendable {
        var arn: String
        var subscriptions: [String]
    }
    struct Queue: Sendable {
        var name: String
        var region: String
        var visible: Int
        var inFlight: Int
        var delayed: Int
        var deadLetter: String
    }
    var picker: String
    var topics: [Topic]
    var queues: [Queue]
}

struct QueueMessagesModel: Sendable {
    struct Message: Sendable {
        var id: String
        var sent: String
        var receives: Int
        var state: String
        var body: String
    }
    var name: String
    var region: String
    var messages: [Message]
}
