import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES v2 contact lists, their topics, and contacts with their topic preferences.
extension SESv2Handlers {
    static func topics(_ topics: [SESv2.Topic]?) -> [ContactList.Topic]? {
        topics?.map {
            ContactList.Topic(
                name: $0.topicName, displayName: $0.displayName, description: $0.description, defaultStatus: $0.defaultSubscriptionStatus)
        }
    }

    static func preferences(_ list: [SESv2.TopicPreference]?) -> [String: String] {
        Dictionary((list ?? []).map { ($0.topicName, $0.subscriptionStatus) }, uniquingKeysWith: { _, last in last })
    }

    static func preferenceList(_ preferences: [String: String]) -> [SESv2.TopicPreference] {
        preferences.sorted { $0.key < $1.key }.map { SESv2.TopicPreference(topicName: $0.key, subscriptionStatus: $0.value) }
    }

    /// The topics a contact has not chosen for, with the topic's default.
    static func defaults(_ list: ContactList, _ contact: Contact) -> [SESv2.TopicPreference] {
        list.topics.filter { contact.preferences[$0.name] == nil }.map {
            SESv2.TopicPreference(topicName: $0.name, subscriptionStatus: $0.defaultStatus)
        }
    }

    static func addContactLists(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SESv2.Operations.CreateContactList.self) { input, call in
            let now = Date()
            try await ses.createContactList(
                call.caller, region: call.region,
                list: ContactList(
                    region: call.region, name: input.contactListName, description: input.description, topics: topics(input.topics) ?? [],
                    tags: (input.tags ?? []).map { Tag(key: $0.key, value: $0.value) }, createdAt: now, updatedAt: now))
            return .init()
        }
        handlers.on(SESv2.Operations.GetContactList.self) { input, call in
            let list = try await ses.contactList(call.caller, region: call.region, name: input.contactListName)
            return .init(
                contactListName: list.name,
                topics: list.topics.map {
                    SESv2.Topic(
                        topicName: $0.name, displayName: $0.displayName, description: $0.description,
                        defaultSubscriptionStatus: $0.defaultStatus)
                }, description: list.description, createdTimestamp: list.createdAt, lastUpdatedTimestamp: list.updatedAt,
                tags: list.tags.map { SESv2.Tag(key: $0.key, value: $0.value) })
        }
        handlers.on(SESv2.Operations.ListContactLists.self) { _, call in
            let lists = try await ses.contactLists(call.caller, region: call.region)
            return .init(contactLists: lists.map { SESv2.ContactList(contactListName: $0.name, lastUpdatedTimestamp: $0.updatedAt) })
        }
        handlers.on(SESv2.Operations.UpdateContactList.self) { input, call in
            try await ses.updateContactList(
                call.caller, region: call.region, name: input.contactListName, topics: topics(input.topics), description: input.description)
            return .init()
        }
        handlers.on(SESv2.Operations.DeleteContactList.self) { input, call in
            try await ses.deleteContactList(call.caller, region: call.region, name: input.contactListName)
            return .init()
        }
        handlers.on(SESv2.Operations.CreateContact.self) { input, call in
            try await ses.putContact(
                call.caller, region: call.region, list: input.contactListName,
                contact: Contact(
                    email: input.emailAddress, preferences: preferences(input.topicPreferences),
                    unsubscribeAll: input.unsubscribeAll ?? false,
                    attributes: input.attributesData, createdAt: Date(), updatedAt: Date()), create: true)
            return .init()
        }
        handlers.on(SESv2.Operations.UpdateContact.self) { input, call in
            try await ses.putContact(
                call.caller, region: call.region, list: input.contactListName,
                contact: Contact(
                    email: input.emailAddress, preferences: preferences(input.topicPreferences),
                    unsubscribeAll: input.unsubscribeAll ?? false,
                    attributes: input.attributesData, createdAt: Date(), updatedAt: Date()), create: false)
            return .init()
        }
        handlers.on(SESv2.Operations.GetContact.self) { input, call in
            let (list, contact) = try await ses.contact(
                call.caller, region: call.region, list: input.contactListName, email: input.emailAddress)
            return .init(
                contactListName: list.name, emailAddress: contact.email, topicPreferences: preferenceList(contact.preferences),
                topicDefaultPreferences: defaults(list, contact), unsubscribeAll: contact.unsubscribeAll,
                attributesData: contact.attributes,
                createdTimestamp: contact.createdAt, lastUpdatedTimestamp: contact.updatedAt)
        }
        handlers.on(SESv2.Operations.DeleteContact.self) { input, call in
            try await ses.deleteContact(call.caller, region: call.region, list: input.contactListName, email: input.emailAddress)
            return .init()
        }
        handlers.on(SESv2.Operations.ListContacts.self) { input, call in
            let listed = try await ses.listContacts(
                call.caller, region: call.region, list: input.contactListName, status: input.filter?.filteredStatus,
                topic: input.filter?.topicFilter?.topicName,
                useDefault: input.filter?.topicFilter?.useDefaultIfPreferenceUnavailable ?? false,
                nextToken: input.nextToken, pageSize: input.pageSize)
            return .init(
                contacts: listed.contacts.map {
                    SESv2.Contact(
                        emailAddress: $0.email, topicPreferences: preferenceList($0.preferences),
                        topicDefaultPreferences: defaults(listed.list, $0), unsubscribeAll: $0.unsubscribeAll,
                        lastUpdatedTimestamp: $0.updatedAt)
                }, nextToken: listed.nextToken)
        }
    }
}
