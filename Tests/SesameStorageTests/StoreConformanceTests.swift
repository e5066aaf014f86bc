import Foundation
import SesameBackend
import SesameCore
import SesameStorage
import Testing

/// The same behaviour from both storage engines, driven through the IAM backend as the API does.
@Suite struct StoreConformanceTests {
    static let root = Caller(principal: .root(accountID: "123456789012"), policies: [])

    func expectError(_ code: SesameError.Code, _ message: String? = nil, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(code)")
        } catch let error as SesameError {
            #expect(error.code == code)
            if let message { #expect(error.message == message) }
        } catch {
            Issue.record("unexpected error \(String(reflecting: error))")
        }
    }

    @Test(arguments: Engine.allCases)
    func migrationsAreIdempotentAndBootstrapRunsOnce(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { iam, account, store in
            try await store.migrate()
            #expect(account.id == "123456789012")
            let again = try await Bootstrap(store: store, secrets: iam.secrets, passwordCost: 4)
                .run(seed: .init(accountID: "999999999999", rootEmail: "root@example.com", rootPassword: "another password"))
            #expect(again.created == nil)
            #expect(again.account.id == "123456789012")
            #expect(again.warnings.count == 2)
            #expect(again.warnings[0].contains("SESAME_ACCOUNT_ID is ignored"))
            #expect(again.warnings[1].contains("SESAME_ROOT_PASSWORD is ignored"))
            let wrongKey = try SecretBox(masterKey: SecretBox.generateMasterKey())
            await expectError(.internalFailure) {
                _ = try await Bootstrap(store: store, secrets: wrongKey, passwordCost: 4).run(seed: .init())
            }
        }
    }

    @Test(arguments: Engine.allCases)
    func userLifecycle(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { iam, _, _ in
            let root = Self.root
            let alice = try await iam.createUser(root, name: "Alice", path: "/team/", tags: [Tag(key: "k", value: "v")])
            #expect(alice.arn == "arn:aws:iam::123456789012:user/team/Alice")
            #expect(alice.id.hasPrefix("AIDA"))
            await expectError(.entityAlreadyExists, "User with name alice already exists.") {
                _ = try await iam.createUser(root, name: "alice", path: nil, tags: [])
            }
            let fetched = try await iam.getUser(root, name: "ALICE")
            #expect(fetched.principal == .user(alice.withoutTags))
            #expect(fetched.tags == [Tag(key: "k", value: "v")])
            await expectError(.noSuchEntity, "The user with name nobody cannot be found.") {
                _ = try await iam.getUser(root, name: "nobody")
            }
            for name in ["bob", "carol", "dave", "erin"] { _ = try await iam.createUser(root, name: name, path: nil, tags: []) }
            var names: [String] = []
            var marker: String?
            repeat {
                let page = try await iam.listUsers(root, pathPrefix: nil, marker: marker, maxItems: 2)
                names += page.items.map(\.name)
                #expect(page.items.count <= 2)
                marker = page.isTruncated ? page.marker : nil
            } while marker != nil
            #expect(names == ["Alice", "bob", "carol", "dave", "erin"])
            #expect(try await iam.listUsers(root, pathPrefix: "/team/", marker: nil, maxItems: nil).items.map(\.name) == ["Alice"])

            try await iam.updateUser(root, name: "bob", newName: "robert", newPath: "/ops/")
            #expect(try await iam.getUser(root, name: "robert").principal.arn == "arn:aws:iam::123456789012:user/ops/robert")
            await expectError(.entityAlreadyExists) { try await iam.updateUser(root, name: "robert", newName: "CAROL", newPath: nil) }

            try await iam.tagUser(root, name: "carol", tags: [Tag(key: "a", value: "1"), Tag(key: "b", value: "2")])
            try await iam.untagUser(root, name: "carol", keys: ["a"])
            #expect(try await iam.listUserTags(root, name: "carol", marker: nil, maxItems: nil).items == [Tag(key: "b", value: "2")])

            try await iam.deleteUser(root, name: "erin")
            await expectError(.noSuchEntity) { _ = try await iam.getUser(root, name: "erin") }
            let summary = try await iam.accountSummary(root)
            #expect(summary.first { $0.0 == "Users" }?.1 == 4)
            #expect(summary.first { $0.0 == "AccountAccessKeysPresent" }?.1 == 1)
        }
    }

    @Test(arguments: Engine.allCases)
    func deleteRefusesWhileTheUserOwnsThings(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { iam, _, _ in
            let root = Self.root
            _ = try await iam.createUser(root, name: "owner", path: nil, tags: [])
            let key = try await iam.createAccessKey(root, userName: "owner")
            _ = try await iam.createLoginProfile(root, userName: "owner", password: "Password-123", resetRequired: false)
            try await iam.putUserPolicy(
                root, userName: "owner", policyName: "p",
                document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ses:*","Resource":"*"}}"#)
            try await iam.attachUserPolicy(root, userName: "owner", policyARN: "arn:aws:iam::aws:policy/IAMReadOnlyAccess")

            await expectError(.deleteConflict, "Cannot delete entity, must delete access keys first.") {
                try await iam.deleteUser(root, name: "owner")
            }
            try await iam.deleteAccessKey(root, userName: "owner", accessKeyID: key.key.id)
            await expectError(.deleteConflict, "Cannot delete entity, must delete login profile first.") {
                try await iam.deleteUser(root, name: "owner")
            }
            try await iam.deleteLoginProfile(root, userName: "owner")
            await expectError(.deleteConflict, "Cannot delete entity, must delete policies first.") {
                try await iam.deleteUser(root, name: "owner")
            }
            try await iam.deleteUserPolicy(root, userName: "owner", policyName: "p")
            await expectError(.deleteConflict, "Cannot delete entity, must detach all policies first.") {
                try await iam.deleteUser(root, name: "owner")
            }
            try await iam.detachUserPolicy(root, userName: "owner", policyARN: "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
            try await iam.deleteUser(root, name: "owner")
        }
    }

    @Test(arguments: Engine.allCases)
    func accessKeysAreLimitedEncryptedAndResolvable(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { iam, _, store in
            let root = Self.root
            _ = try await iam.createUser(root, name: "sender", path: nil, tags: [])
            let first = try await iam.createAccessKey(root, userName: "sender")
            let second = try await iam.createAccessKey(root, userName: "sender")
            #expect(first.secret.count == 40 && first.key.id.hasPrefix("AKIA"))
            try await iam.updateAccessKey(root, userName: "sender", accessKeyID: second.key.id, status: "Inactive")
            // An inactive key still counts against the quota.
            await expectError(.limitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2") {
                _ = try await iam.createAccessKey(root, userName: "sender")
            }
            await expectError(.validation) {
                try await iam.updateAccessKey(root, userName: "sender", accessKeyID: first.key.id, status: "Paused")
            }
            await expectError(.noSuchEntity) {
                try await iam.deleteAccessKey(root, userName: "sender", accessKeyID: "AKIAAAAAAAAAAAAAAAAA")
            }

            // The secret is stored encrypted: the row never holds it in clear.
            let stored = try await store.read { try await $0.accessKey(id: first.key.id) }!
            #expect(!stored.encryptedSecret.contains(first.secret))
            let raw = Data(base64Encoded: stored.encryptedSecret)!
            #expect(raw.range(of: Data(first.secret.utf8)) == nil)

            let resolved = try await iam.credentials.resolve(first.key.id)
            #expect(resolved?.secret == first.secret)
            #expect(resolved?.principal.arn == "arn:aws:iam::123456789012:user/sender")
            #expect(try await iam.credentials.resolve(second.key.id)?.status == .inactive)
            #expect(try await iam.credentials.resolve("AKIANOSUCHKEY0000000") == nil)

            let listed = try await iam.listAccessKeys(root, userName: "sender", marker: nil, maxItems: nil)
            #expect(Set(listed.page.items.map(\.id)) == [first.key.id, second.key.id])

            iam.credentials.recordUse(
                accessKeyID: first.key.id, service: "iam", region: "us-east-1", at: Date(timeIntervalSince1970: 1_800_000_000))
            let used = try await iam.accessKeyLastUsed(root, accessKeyID: first.key.id)
            #expect(used.userName == "sender")
            #expect(used.key.lastUsedService == "iam")
            #expect(used.key.lastUsedAt == Date(timeIntervalSince1970: 1_800_000_000))

            // Deleting the user with everything it owns ends its keys at once.
            try await iam.deleteUserAndOwnedResources(root, name: "sender")
            #expect(try await iam.credentials.resolve(first.key.id) == nil)

            // Root keys: one from bootstrap? No: the seed had no key, so one was generated.
            let rootKeys = try await iam.listAccessKeys(root, userName: nil, marker: nil, maxItems: nil)
            #expect(rootKeys.userName == nil && rootKeys.page.items.count == 1)
        }
    }

    @Test(arguments: Engine.allCases)
    func policiesAndAuthorization(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { iam, _, _ in
            let root = Self.root
            _ = try await iam.createUser(root, name: "alice", path: nil, tags: [])
            let key = try await iam.createAccessKey(root, userName: "alice")
            var alice = try await iam.credentials.resolve(key.key.id)!.caller()
            await expectError(
                .accessDenied,
                "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::123456789012:user/"
            ) { _ = try await iam.listUsers(alice, pathPrefix: nil, marker: nil, maxItems: nil) }

            await expectError(.malformedPolicyDocument, "Syntax errors in policy.") {
                try await iam.putUserPolicy(root, userName: "alice", policyName: "bad", document: "{")
            }
            try await iam.attachUserPolicy(root, userName: "alice", policyARN: "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
            await expectError(.noSuchEntity) {
                try await iam.attachUserPolicy(root, userName: "alice", policyARN: "arn:aws:iam::aws:policy/NoSuchPolicy")
            }
            await expectError(.invalidInput) { try await iam.attachUserPolicy(root, userName: "alice", policyARN: "not-an-arn") }
            alice = try await iam.credentials.resolve(key.key.id)!.caller()
            #expect(try await iam.listUsers(alice, pathPrefix: nil, marker: nil, maxItems: nil).items.count == 1)
            await expectError(.accessDenied) { _ = try await iam.createUser(alice, name: "mallory", path: nil, tags: []) }

            let policies = try await iam.listPolicies(root, scope: nil, onlyAttached: true, pathPrefix: nil, marker: nil, maxItems: nil)
            #expect(policies.items.map(\.policy.name) == ["IAMReadOnlyAccess"])
            #expect(policies.items[0].attachmentCount == 1)
            #expect(
                try await iam.listAttachedUserPolicies(root, userName: "alice", pathPrefix: nil, marker: nil, maxItems: nil).items.map(
                    \.name) == ["IAMReadOnlyAccess"])

            let doc = #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ListUsers","Resource":"*"}]}"#
            try await iam.putUserPolicy(root, userName: "alice", policyName: "NoList", document: doc)
            #expect(try await iam.getUserPolicy(root, userName: "alice", policyName: "NoList").document == doc)
            #expect(try await iam.listUserPolicies(root, userName: "alice", marker: nil, maxItems: nil).items == ["NoList"])
            alice = try await iam.credentials.resolve(key.key.id)!.caller()
            await expectError(.accessDenied) { _ = try await iam.listUsers(alice, pathPrefix: nil, marker: nil, maxItems: nil) }
            await expectError(.noSuchEntity, "The user policy with name Other cannot be found.") {
                _ = try await iam.getUserPolicy(root, userName: "alice", policyName: "Other")
            }
        }
    }

    @Test(arguments: Engine.allCases)
    func loginProfiles(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { iam, _, store in
            let root = Self.root
            let user = try await iam.createUser(root, name: "console", path: nil, tags: [])
            await expectError(.passwordPolicyViolation) {
                _ = try await iam.createLoginProfile(root, userName: "console", password: "short", resetRequired: false)
            }
            _ = try await iam.createLoginProfile(root, userName: "console", password: "Long-enough-1", resetRequired: true)
            await expectError(.entityAlreadyExists, "Login Profile for user console already exists.") {
                _ = try await iam.createLoginProfile(root, userName: "console", password: "Long-enough-1", resetRequired: false)
            }
            #expect(try await iam.getLoginProfile(root, userName: "console").profile.passwordResetRequired)
            try await iam.updateLoginProfile(root, userName: "console", password: "A-new-passw0rd", resetRequired: false)
            let profile = try await store.read { try await $0.loginProfile(userID: user.id) }!
            #expect(profile.passwordHash.hasPrefix("$2"))
            #expect(!profile.passwordHash.contains("A-new-passw0rd"))
            #expect(!profile.passwordResetRequired)
            let account = try await store.read { try await $0.account() }!
            #expect(account.rootPasswordHash.hasPrefix("$2") && !account.rootPasswordHash.contains("correct horse"))
            try await iam.deleteLoginProfile(root, userName: "console")
            await expectError(.noSuchEntity, "Login Profile for User console cannot be found.") {
                _ = try await iam.getLoginProfile(root, userName: "console")
            }
        }
    }

    /// Two writers racing for one name: exactly one wins on either engine.
    @Test(arguments: Engine.allCases)
    func concurrentCreatesOfOneName(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { iam, _, _ in
            let root = Self.root
            let results = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<6 {
                    group.addTask {
                        (try? await iam.createUser(root, name: i % 2 == 0 ? "race" : "RACE", path: nil, tags: [])) != nil
                    }
                }
                var wins = 0
                for await won in group where won { wins += 1 }
                return wins
            }
            #expect(results == 1)
        }
    }
}

extension IAMUser {
    var withoutTags: IAMUser {
        var copy = self
        copy.tags = []
        return copy
    }
}

/// SES state on both engines.
@Suite struct SESStoreTests {
    static let root = Caller(principal: .root(accountID: "123456789012"), policies: [])

    @Test(arguments: Engine.allCases)
    func identitiesAndMessages(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { _, _, store in
            let ses = SESBackend(store: store)
            let root = Self.root
            try await ses.verifyEmailIdentity(root, region: "us-east-1", email: "a@example.com")
            let token = try await ses.verifyDomainIdentity(root, region: "us-east-1", domain: "Example.org")
            #expect(try await ses.verifyDomainIdentity(root, region: "us-east-1", domain: "example.org") == token)
            try await ses.verifyEmailIdentity(root, region: "eu-west-1", email: "eu@example.com")
            let listed = try await ses.listIdentities(root, region: "us-east-1", kind: nil, nextToken: nil, maxItems: 1)
            #expect(listed.identities.map(\.name) == ["a@example.com"])
            let next = try await ses.listIdentities(root, region: "us-east-1", kind: nil, nextToken: listed.nextToken, maxItems: 1)
            #expect(next.identities.map(\.name) == ["example.org"] && next.nextToken == nil)

            // Identities belong to a region: eu@ cannot send from us-east-1.
            do {
                _ = try await ses.sendEmail(
                    root, region: "us-east-1", source: "eu@example.com", to: ["b@x.org"], cc: [], bcc: [], replyTo: [], subject: "s",
                    text: "t", html: nil)
                Issue.record("sent from an identity of another region")
            } catch let error as SesameError {
                #expect(error.code == .messageRejected)
                #expect(
                    error.message
                        == "Email address is not verified. The following identities failed the check in region US-EAST-1: eu@example.com")
            }
            // A verified domain covers its addresses.
            let id = try await ses.sendEmail(
                root, region: "us-east-1", source: "news@example.org", to: ["b@x.org", "c@x.org"], cc: [], bcc: ["d@x.org"], replyTo: [],
                subject: "s", text: "t", html: nil)
            let stored = try await store.read { try await $0.messages(ids: [id]) }
            #expect(stored.count == 1)
            #expect(stored[0].destinations == ["b@x.org", "c@x.org", "d@x.org"])
            #expect(!String(decoding: stored[0].raw, as: UTF8.self).contains("d@x.org"))
            #expect(try await ses.sendQuota(root, region: "us-east-1").sentLast24Hours == 3)
            #expect(try await ses.sendQuota(root, region: "eu-west-1").sentLast24Hours == 0)

            try await ses.deleteIdentity(root, region: "us-east-1", name: "example.org")
            try await ses.deleteIdentity(root, region: "us-east-1", name: "never-existed.org")
            #expect(
                try await ses.identityAttributes(root, region: "us-east-1", names: ["example.org", "a@example.com"]).map(\.name) == [
                    "a@example.com"
                ])
            try await store.write { try await $0.deleteMessages(id: nil) }
            #expect(
                try await store.read { try await $0.messageSummaries(filter: MessageFilter(), after: nil, newestFirst: false, limit: 10) }
                    .isEmpty)
        }
    }
}
