import Foundation
public import SesameCore
import SesameStorage

/// SES v2 contact lists and contacts. As in SES, an account has at most one list per region,
/// with at most 20 topics.
extension SESBackend {
    static let maxContactLists = 1
    static let maxTopics = 20

    static func listMissing(_ name: String) -> SesameError { SesameError(.notFound, "List with name \(name) does not exist.") }

    static func validate(topics: [ContactList.Topic]) throws(SesameError) {
        if topics.count > maxTopics { throw SesameError(.invalidParameterValue, "A contact list can have at most \(maxTopics) topics.") }
        var names = Set<String>()
        for topic in topics {
            guard topic.defaultStatus == "OPT_IN" || topic.defaultStatus == "OPT_OUT" else {
                throw SesameError(.invalidParameterValue, "DefaultSubscriptionStatus must be OPT_IN or OPT_OUT.")
            }
            if !names.insert(topic.name).inserted { throw SesameError(.invalidParameterValue, "Duplicate topic name \(topic.name).") }
        }
    }

    public func createContactList(_ caller: Caller, region: String, list: ContactList) async throws {
        try authorize(caller, "ses:CreateContactList", "*")
        try Self.validateName(list.name, of: "Contact list")
        try Self.validate(topics: list.topics)
        try Self.validate(tags: list.tags)
        try await store.transaction { session in
            let lists = try await session.contactLists(region: region)
            if lists.contains(where: { $0.name == list.name }) {
                throw SesameError(.alreadyExists, "List with name \(list.name) already exists.")
            }
            if lists.count >= Self.maxContactLists {
                throw SesameError(.limitExceeded, "An account can have only \(Self.maxContactLists) contact list per region.")
            }
            try await session.putContactList(list)
        }
    }

    public func contactList(
        _ caller: Caller, region: String, name: String, action: String = "ses:GetContactList"
    ) async throws -> ContactList {
        try authorize(caller, action, "*")
        guard let list = try await store.read({ try await $0.contactLists(region: region) }).first(where: { $0.name == name }) else {
            throw Self.listMissing(name)
        }
        return list
    }

    public func contactLists(_ caller: Caller, region: String) async throws -> [ContactList] {
        try authorize(caller, "ses:ListContactLists", "*")
        return try await store.read { try await $0.contactLists(region: region) }
    }

    public func updateContactList(
        _ caller: Caller, region: String, name: String, topics: [ContactList.Topic]?, description: String?
    ) async throws {
        try authorize(caller, "ses:UpdateContactList", "*")
        if let topics { try Self.validate(topics: topics) }
        let now = clock.now()
        try await store.transaction { session in
            guard var list = try await session.contactLists(region: region).first(where: { $0.name == name }) else {
                throw Self.listMissing(name)
            }
            if let topics { list.topics = topics }
            list.description = description
            list.updatedAt = now
            try await session.putContactList(list)
        }
    }

    public func deleteContactList(_ caller: Caller, region: String, name: String) async throws {
        try authorize(caller, "ses:DeleteContactList", "*")
        try await store.transaction { session in
            guard try await session.contactLists(region: region).contains(where: { $0.name == name }) else { throw Self.listMissing(name) }
            try await session.deleteContactList(region: region, name: name)
        }
    }

    /// Creates (`create`) or replaces (must exist) a contact; preferences must name the list's topics.
    public func putContact(_ caller: Caller, region: String, list name: String, contact: Contact, create: Bool) async throws {
        try authorize(caller, create ? "ses:CreateContact" : "ses:UpdateContact", "*")
        guard EmailAddress.isValidAddress(contact.email) else {
            throw SesameError(.invalidParameterValue, "Invalid email address \(contact.email).")
        }
        if let attributes = contact.attributes, (try? JSONSerialization.jsonObject(with: Data(attributes.utf8))) == nil {
            throw SesameError(.invalidParameterValue, "AttributesData must be a JSON document.")
        }
        let now = clock.now()
        try await store.transaction { session in
            guard let list = try await session.contactLists(region: region).first(where: { $0.name == name }) else {
                throw Self.listMissing(name)
            }
            for (topic, status) in contact.preferences {
                guard list.topics.contains(where: { $0.name == topic }) else {
                    throw SesameError(.invalidParameterValue, "Topic \(topic) does not exist in list \(name).")
                }
                guard status == "OPT_IN" || status == "OPT_OUT" else {
                    throw SesameError(.invalidParameterValue, "SubscriptionStatus must be OPT_IN or OPT_OUT.")
                }
            }
            let existing = try await session.contact(region: region, list: name, email: contact.email)
            if create && existing != nil { throw SesameError(.alreadyExists, "Contact already exists in list \(name).") }
            if !create && existing == nil { throw SesameError(.notFound, "Contact \(contact.email) does not exist in list \(name).") }
            var stored = contact
            stored.email = contact.email.lowercased()
            stored.createdAt = existing?.createdAt ?? now
            stored.updatedAt = now
            try await session.putContact(region: region, list: name, stored)
        }
    }

    public func contact(_ caller: Caller, region: String, list name: String, email: String) async throws -> (ContactList, Contact) {
        let list = try await contactList(caller, region: region, name: name, action: "ses:GetContact")
        guard let contact = try await store.read({ try await $0.contact(region: region, list: name, email: email) }) else {
            throw SesameError(.notFound, "Contact \(email) does not exist in list \(name).")
        }
        return (list, contact)
    }

    public func deleteContact(_ caller: Caller, region: String, list name: String, email: String) async throws {
        try authorize(caller, "ses:DeleteContact", "*")
        try await store.transaction { session in
            guard try await session.contactLists(region: region).contains(where: { $0.name == name }) else { throw Self.listMissing(name) }
            guard try await session.contact(region: region, list: name, email: email) != nil else {
                throw SesameError(.notFound, "Contact \(email) does not exist in list \(name).")
            }
            try await session.deleteContact(region: region, list: name, email: email)
        }
    }

    /// One page of contacts, optionally only those whose status for a topic (or, without a
    /// topic, for every topic) is `status`.
    public func listContacts(
        _ caller: Caller, region: String, list name: String, status: String?, topic: String?, useDefault: Bool, nextToken: String?,
        pageSize: Int?
    ) async throws -> (contacts: [Contact], list: ContactList, nextToken: String?) {
        let list = try await contactList(caller, region: region, name: name, action: "ses:ListContacts")
        let limit = min(max(pageSize ?? 1000, 1), 1000)
        func wanted(_ contact: Contact) -> Bool {
            guard let status else { return true }
            let topics = topic.map { name in list.topics.filter { $0.name == name } } ?? list.topics
            return topics.contains { topic in
                if !useDefault && contact.preferences[topic.name] == nil && !contact.unsubscribeAll { return false }
                return contact.status(of: topic) == status
            }
        }
        var after = Self.tokenKey(nextToken)
        var found: [Contact] = []
        while found.count <= limit {
            let from = after
            let rows = try await store.read { try await $0.contacts(region: region, list: name, afterEmail: from, limit: 1000) }
            found += rows.filter(wanted)
            guard rows.count == 1000, let last = rows.last else { break }
            after = last.email
        }
        let (page, token) = Self.page(Array(found.prefix(limit + 1)), limit: limit) { $0.email }
        return (page, list, token)
    }
}
