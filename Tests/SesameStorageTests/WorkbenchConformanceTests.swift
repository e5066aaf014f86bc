import Foundation
import SesameBackend
import SesameCore
import SesameStorage
import Testing

/// The captured-mail index behaves the same on both engines: accepted messages are noted for
/// indexing in their own commit, searches filter and match words, read flags and deletes stick,
/// and a deleted message leaves nothing behind in the index.
@Suite struct WorkbenchConformanceTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func message(
        _ id: String, seconds: Double, from: String, to: String, subject: String, body: String, via: MessageOrigin = .smtp
    )
        -> StoredMessage
    {
        let raw = "From: \(from)\r\nTo: \(to)\r\nSubject: \(subject)\r\nMessage-ID: <\(id)@example.com>\r\n\r\n\(body)\r\n"
        return StoredMessage(
            id: id, region: "us-east-1", source: "bounce@example.com",
            destinations: [to.components(separatedBy: "<").last!.replacingOccurrences(of: ">", with: "")],
            subject: subject, raw: Array(raw.utf8), principalARN: "arn:aws:iam::123456789012:user/alice", via: via,
            createdAt: start.addingTimeInterval(seconds))
    }

    func search(_ store: any Store, _ text: String) async throws -> [String] {
        let search = try MailSearch.parse(text)
        return try await store.read { try await $0.searchMail(search, start: 0, limit: 50) }.map(\.messageID)
    }

    @Test(arguments: Engine.allCases)
    func indexSearchMarkAndDelete(_ engine: Engine) async throws {
        let fixture = try await StoreFixture.make(engine)
        defer { Task { await fixture.cleanup() } }
        let store = fixture.store
        try await store.appendMessages([
            Self.message(
                "m1", seconds: 1, from: "Shop <shop@example.com>", to: "Ann <ann@example.net>", subject: "Your receipt",
                body: "Thanks for ordering widgets."),
            Self.message(
                "m2", seconds: 2, from: "shop@example.com", to: "bob@example.net", subject: "Reset your password",
                body: "Follow https://app.test/reset?t=1", via: .sendRawEmail),
            Self.message(
                "m3", seconds: 3, from: "news@example.org", to: "ann@example.net", subject: "Weekly news_letter 100%",
                body: "Widgetry and more."),
        ])
        let waiting = try await store.read { try await $0.mailAwaitingIndex(limit: 10) }
        #expect(waiting.map(\.id) == ["m1", "m2", "m3"] && waiting.allSatisfy { $0.size > 40 })
        let pending = try await store.read { try await $0.messages(ids: waiting.map(\.id)) }
        try await store.transaction { try await $0.indexMail(pending.map(MailIndexEntry.init)) }
        #expect(try await store.read { try await $0.mailAwaitingIndex(limit: 10) }.isEmpty)
        // Indexing again is harmless.
        try await store.transaction { try await $0.indexMail(pending.map(MailIndexEntry.init)) }

        #expect(try await search(store, "") == ["m3", "m2", "m1"])
        #expect(try await search(store, "to:ann@example.net") == ["m3", "m1"])
        #expect(try await search(store, "from:shop -subject:receipt") == ["m2"])
        #expect(try await search(store, "widget") == ["m3", "m1"])
        #expect(try await search(store, "widgets thanks") == ["m1"])
        #expect(try await search(store, "\"reset your\" via:api") == ["m2"])
        #expect(try await search(store, "via:smtp") == ["m3", "m1"])
        #expect(try await search(store, "subject:news_letter") == ["m3"])
        #expect(try await search(store, "subject:100%") == ["m3"])
        #expect(try await search(store, "subject:9%") == [])
        #expect(try await search(store, "principal:alice message-id:m2@") == ["m2"])
        #expect(try await search(store, "after:2027-01-15T08:00:02Z") == ["m3", "m2"])
        #expect(try await search(store, "before:2027-01-15T08:00:02Z") == ["m1"])
        #expect(try await store.read { try await $0.countMail(try MailSearch.parse("to:ann")) } == (2, 2))

        // Read flags.
        #expect(try await store.transaction { try await $0.markMail(ids: ["m1"], seen: true) } == 1)
        #expect(try await search(store, "is:read") == ["m1"])
        #expect(try await search(store, "is:unread") == ["m3", "m2"])
        #expect(try await store.read { try await $0.mailTotals() } == (3, 2))
        #expect(try await store.transaction { try await $0.markMail(matching: try MailSearch.parse("from:shop"), seen: true) } == 1)
        #expect(try await store.transaction { try await $0.markMail(ids: nil, seen: false) } == 2)

        // Paging, newest first.
        let page = try await store.read { try await $0.searchMail(MailSearch(), start: 1, limit: 1) }
        #expect(page.map(\.messageID) == ["m2"])
        let summary = try #require(
            try await store.read { try await $0.searchMail(try MailSearch.parse("receipt"), start: 0, limit: 1) }.first)
        #expect(summary.addresses.from == MailAddressBook.Address(name: "Shop", address: "shop@example.com"))
        #expect(summary.addresses.to == [MailAddressBook.Address(name: "Ann", address: "ann@example.net")])
        #expect(summary.snippet == "Thanks for ordering widgets." && summary.headerMessageID == "m1@example.com")

        // Deleting a message takes its index entry and its words with it.
        #expect(try await store.transaction { try await $0.deleteMail(ids: ["m1", "gone"]) } == 1)
        #expect(try await search(store, "widget") == ["m3"])
        try await store.transaction { try await $0.deleteMessages(id: nil) }
        #expect(try await search(store, "") == [])
        #expect(try await store.read { try await $0.mailTotals() } == (0, 0))
        try await store.appendMessages([
            Self.message("m4", seconds: 4, from: "a@example.com", to: "b@example.net", subject: "widget", body: "x")
        ])
        let again = try await store.read { try await $0.messages(ids: try await $0.mailAwaitingIndex(limit: 10).map(\.id)) }
        try await store.transaction { try await $0.indexMail(again.map(MailIndexEntry.init)) }
        #expect(try await search(store, "widget") == ["m4"])
        // A message deleted before it is indexed takes its note with it.
        try await store.appendMessages([Self.message("m5", seconds: 5, from: "a@example.com", to: "b@example.net", subject: "s", body: "x")]
        )
        #expect(try await store.transaction { try await $0.deleteMail(ids: ["m5"]) } == 1)
        #expect(try await store.read { try await $0.mailAwaitingIndex(limit: 10) }.isEmpty)
        // One deleted after it was read for indexing is left out; the rest of its batch is indexed.
        try await store.appendMessages([
            Self.message("m6", seconds: 6, from: "a@example.com", to: "b@example.net", subject: "gone soon", body: "x"),
            Self.message("m7", seconds: 7, from: "a@example.com", to: "b@example.net", subject: "stays", body: "x"),
        ])
        let read = try await store.read { try await $0.messages(ids: ["m6", "m7"]) }
        try await store.transaction { try await $0.deleteMessages(id: "m6") }
        try await store.transaction { try await $0.indexMail(read.map(MailIndexEntry.init)) }
        #expect(try await search(store, "subject:gone") == [])
        #expect(try await search(store, "subject:stays") == ["m7"])
        #expect(try await store.read { try await $0.mailTotals() }.total == 2)
    }
}
