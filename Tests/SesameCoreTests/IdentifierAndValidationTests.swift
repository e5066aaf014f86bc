import Foundation
import Testing

@testable import SesameCore

@Suite struct IdentifierTests {
    @Test func accessKeyIDsHaveAWSShape() {
        for _ in 0..<50 {
            let id = RandomIDs.accessKeyID()
            #expect(id.count == 20)
            #expect(id.hasPrefix("AKIA"))
            #expect(id.dropFirst(4).allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) })
        }
    }

    @Test func secretsAreFortyCharacters() {
        let secret = RandomIDs.secretAccessKey()
        #expect(secret.count == 40)
        #expect(secret != RandomIDs.secretAccessKey())
    }

    @Test func userIDsAndAccounts() {
        let id = RandomIDs.uniqueID(prefix: "AIDA")
        #expect(id.count == 21 && id.hasPrefix("AIDA"))
        let account = RandomIDs.accountID()
        #expect(account.count == 12 && account.allSatisfy(\.isNumber) && account.first != "0")
    }

    @Test func arns() {
        #expect(ARN.user(account: "123456789012", path: "/", name: "bob") == "arn:aws:iam::123456789012:user/bob")
        #expect(ARN.user(account: "123456789012", path: "/ops/", name: "bob") == "arn:aws:iam::123456789012:user/ops/bob")
        #expect(ARN.root(account: "123456789012") == "arn:aws:iam::123456789012:root")
    }
}

@Suite struct ValidationTests {
    @Test(arguments: ["alice", "a", "ses-smtp-user.20230604-140541", "x+y=z,w.v@u_t-s", String(repeating: "a", count: 64)])
    func validUserNames(_ name: String) throws {
        try IAMValidation.userName(name)
    }

    @Test(arguments: ["", "bad name", "slash/name", "ünïcode", String(repeating: "a", count: 65)])
    func invalidUserNames(_ name: String) {
        #expect(throws: SesameError.self) { try IAMValidation.userName(name) }
    }

    @Test func invalidNameMessageNamesTheField() {
        do {
            try IAMValidation.userName("bad name")
            Issue.record("expected a validation error")
        } catch {
            #expect(error.code == .validation)
            #expect(error.message.contains("at 'userName'"))
            #expect(error.message.contains("[\\w+=,.@-]+"))
        }
    }

    @Test func paths() throws {
        try IAMValidation.path("/")
        try IAMValidation.path("/division_abc/subdivision_xyz/")
        #expect(throws: SesameError.self) { try IAMValidation.path("noslash") }
        #expect(throws: SesameError.self) { try IAMValidation.path("/no-trailing") }
    }

    @Test func maxItems() throws {
        #expect(try IAMValidation.maxItems(nil) == 100)
        #expect(try IAMValidation.maxItems(5) == 5)
        #expect(throws: SesameError.self) { try IAMValidation.maxItems(0) }
        #expect(throws: SesameError.self) { try IAMValidation.maxItems(1001) }
    }
}

@Suite struct TimestampTests {
    @Test func roundTrip() {
        let date = Date(timeIntervalSince1970: 1_346_873_928)
        #expect(Timestamp.iso8601(date) == "2012-09-05T19:38:48Z")
        #expect(Timestamp.parse("2012-09-05T19:38:48Z") == date)
        #expect(Timestamp.parse("2012-09-05T21:38:48+02:00") == date)
        #expect(Timestamp.parse("1346873928") == date)
        #expect(Timestamp.parse("2012-09-05") == Date(timeIntervalSince1970: 1_346_803_200))
        #expect(Timestamp.parse("not a date") == nil)
        #expect(Timestamp.parse("2012-13-05T00:00:00Z") == nil)
    }
}

@Suite struct RequestIDTests {
    @Test func uuidShaped() {
        let id = RandomIDs.requestID()
        #expect(id.count == 36)
        let groups = id.split(separator: "-").map(\.count)
        #expect(groups == [8, 4, 4, 4, 12])
        #expect(id.allSatisfy { "0123456789abcdef-".contains($0) })
        #expect(RandomIDs.requestID() != id)
    }

    @Test func uniqueAcrossRefillsAndThreads() async {
        // 4 tasks x 2,000 IDs: the 4 KiB pool of randomness is refilled about 60 times meanwhile.
        let ids = await withTaskGroup(of: [String].self) { group -> [String] in
            for _ in 0..<4 { group.addTask { (0..<2000).map { _ in RandomIDs.requestID() } } }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(Set(ids).count == 8000)
        // Every hex digit turns up in every position that is not a dash: the bytes are not reused or zero.
        let digits = Set(ids.flatMap { Array($0.replacingOccurrences(of: "-", with: "")) })
        #expect(digits.count == 16)
        #expect(Set(ids.map { $0.prefix(8) }).count > 7900)
    }

    @Test func iso8601Padding() {
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 1_000_000_005.9)) == "2001-09-09T01:46:45Z")
    }
}
