import Foundation
import SQLKit
import SesameCore

// MARK: SES v2 contact lists

extension SQLStoreSession {
    func contactLists(region: String) async throws -> [ContactList] {
        try await db.raw("SELECT document FROM ses_contact_lists WHERE region = \(bind: region) ORDER BY name").all().map {
            try StoredDocument.decoder.decode(ContactList.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
        }
    }

    func putContactList(_ list: ContactList) async throws {
        let document = String(decoding: try StoredDocument.encoder.encode(list), as: UTF8.self)
        try await db.raw(
            """
            INSERT INTO ses_contact_lists (region, name, document) VALUES (\(bind: list.region), \(bind: list.name), \(bind: document))
            ON CONFLICT (region, name) DO UPDATE SET document = excluded.document
            """
        ).run()
    }

    func deleteContactList(region: String, name: String) async throws {
        try await db.raw("DELETE FROM ses_contacts WHERE region = \(bind: region) AND list_name = \(bind: name)").run()
        try await db.raw("DELETE FROM ses_contact_lists WHERE region = \(bind: region) AND name = \(bind: name)").run()
    }

    func contact(region: String, list: String, email: String) async throws -> Contact? {
        try await db.raw(
            """
            SELECT document FROM ses_contacts WHERE region = \(bind: region) AND list_name = \(bind: list) AND email = \(bind: email.lowercased())
            """
        ).first().map {
            try StoredDocument.decoder.decode(Contact.self, from: Data(try $0.decode(column: "document", as: String.self).utf8))
        }
    }

    func contacts(region: String, list: String, afterEmail: String?, limit: Int) async throws -> [Contact] {
        try await db.raw(
            """
            SELECT document FROM ses_contacts WHERE region = \(bind: region) AND list_name = \(bind: list)
            AND email > \(bind: afterEmail ?? "") ORDER BY email LIMIT \(bind: limit)
            """
        ).all().map { try StoredDocument.decoder.decode(Contact.self, from: Data(try $0.decode(column: "document", as: String.self).utf8)) }
    }

    func putContact(region: String, list: String, _ contact: Contact) async throws {
        let document = String(decoding: try StoredDocument.encoder.encode(contact), as: UTF8.self)
        try await db.raw(
            """
            INSERT INTO ses_contacts (region, list_name, email, document)
            VALUES (\(bind: region), \(bind: list), \(bind: contact.email.lowercased()), \(bind: document))
            ON CONFLICT (region, list_name, email) DO UPDATE SET document = excluded.document
            """
        ).run()
    }

    func deleteContact(region: String, list: String, email: String) async throws {
        try await db.raw(
            "DELETE FROM ses_contacts WHERE region = \(bind: region) AND list_name = \(bind: list) AND email = \(bind: email.lowercased())"
        ).run()
    }
}
