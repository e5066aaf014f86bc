import Foundation
import SesameAWSProtocol
import SesameBackend
import SesameCore
import Testing

@testable import SesameAPI

/// The session-token rule on every signed request: an STS key needs its own token and only
/// works until it expires; a long-term key takes none. (Expiry cannot be waited for in the
/// end-to-end tests: the shortest session lasts 15 minutes.)
@Suite struct SessionTokenTests {
    static let token = "IQoJ-session-token"

    func request(token: String?, inQuery: Bool = false) -> SigV4HTTPRequest {
        var headers: [(name: String, value: String)] = [(name: "host", value: "127.0.0.1")]
        var query = ""
        if let token {
            if inQuery {
                query = "X-Amz-Security-Token=" + URIEncoding.encode(token)
            } else {
                headers.append((name: "x-amz-security-token", value: token))
            }
        }
        return SigV4HTTPRequest(method: "POST", rawPath: "/", rawQuery: query, headers: headers, payloadHash: "")
    }

    func credential(expiresAt: Date?, temporary: Bool = true) -> ResolvedCredential {
        ResolvedCredential(
            accessKeyID: temporary ? "ASIAEXAMPLE000000000" : "AKIAEXAMPLE000000000", secret: "s", status: .active,
            principal: .root(accountID: "123456789012"), policies: [], sessionTokenHash: temporary ? SessionTokens.hash(Self.token) : nil,
            expiresAt: expiresAt)
    }

    @Test func temporaryKeysNeedTheirTokenUntilTheyExpire() throws {
        let now = Date()
        let live = credential(expiresAt: now.addingTimeInterval(60))
        try SigV4Authenticator.checkSessionToken(live, request(token: Self.token), now: now)
        try SigV4Authenticator.checkSessionToken(live, request(token: Self.token, inQuery: true), now: now)
        #expect(throws: AWSError.invalidClientTokenId()) { try SigV4Authenticator.checkSessionToken(live, request(token: nil), now: now) }
        #expect(throws: AWSError.invalidClientTokenId()) {
            try SigV4Authenticator.checkSessionToken(live, request(token: Self.token + "x"), now: now)
        }
        let expired = credential(expiresAt: now.addingTimeInterval(-1))
        #expect(throws: AWSError.expiredToken()) { try SigV4Authenticator.checkSessionToken(expired, request(token: Self.token), now: now) }
    }

    @Test func longTermKeysTakeNoToken() throws {
        let key = credential(expiresAt: nil, temporary: false)
        try SigV4Authenticator.checkSessionToken(key, request(token: nil), now: Date())
        #expect(throws: AWSError.invalidClientTokenId()) {
            try SigV4Authenticator.checkSessionToken(key, request(token: Self.token), now: Date())
        }
    }
}
