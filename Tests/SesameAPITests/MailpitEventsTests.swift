import HTTPTypes
import Testing

@testable import SesameAPI

/// Who may open Mailpit's event stream from a browser: only a page served from the host the
/// request names (WebSockets are not bound by CORS).
@Suite struct MailpitEventsTests {
    func request(host: String, origin: String?) -> HTTPRequest {
        var request = HTTPRequest(method: .get, scheme: nil, authority: host, path: "/api/events")
        if let origin { request.headerFields[.origin] = origin }
        return request
    }

    @Test func originsThatNameTheSameHostAreTaken() {
        #expect(MailpitEvents.sameOrigin(request(host: "127.0.0.1:8080", origin: nil)))
        #expect(MailpitEvents.sameOrigin(request(host: "127.0.0.1:8080", origin: "http://127.0.0.1:8080")))
        #expect(MailpitEvents.sameOrigin(request(host: "LOCALHOST:8080", origin: "http://localhost:8080/")))
        #expect(MailpitEvents.sameOrigin(request(host: "[::1]:8080", origin: "http://[::1]:8080")))
        #expect(MailpitEvents.sameOrigin(request(host: "mail.internal", origin: "https://mail.internal")))
    }

    @Test func otherSitesAndOpaqueOriginsAreRefused() {
        #expect(!MailpitEvents.sameOrigin(request(host: "127.0.0.1:8080", origin: "http://evil.example")))
        #expect(!MailpitEvents.sameOrigin(request(host: "127.0.0.1:8080", origin: "http://127.0.0.1:9090")))
        #expect(!MailpitEvents.sameOrigin(request(host: "127.0.0.1:8080", origin: "null")))
        #expect(!MailpitEvents.sameOrigin(request(host: "127.0.0.1:8080", origin: "file://")))
        #expect(!MailpitEvents.sameOrigin(request(host: "127.0.0.1:8080", origin: "http://")))
    }
}
