import HTTPTypes
import Testing

@testable import SesameAPI

/// Which browser pages may use captured mail (the Mailpit API, its event stream, `/_aws/ses`):
/// only a page served from the host the request names.
@Suite struct CapturedMailOriginTests {
    func request(host: String, origin: String?) -> (HTTPFields, String) {
        var fields = HTTPFields()
        if let origin { fields[.origin] = origin }
        return (fields, host)
    }

    func sameOrigin(_ request: (HTTPFields, String)) -> Bool { CapturedMailAccess.sameOrigin(request.0, authority: request.1) }

    @Test func originsThatNameTheSameHostAreTaken() {
        #expect(sameOrigin(request(host: "127.0.0.1:8080", origin: nil)))
        #expect(sameOrigin(request(host: "127.0.0.1:8080", origin: "http://127.0.0.1:8080")))
        #expect(sameOrigin(request(host: "LOCALHOST:8080", origin: "http://localhost:8080/")))
        #expect(sameOrigin(request(host: "[::1]:8080", origin: "http://[::1]:8080")))
        #expect(sameOrigin(request(host: "mail.internal", origin: "https://mail.internal")))
    }

    @Test func otherSitesAndOpaqueOriginsAreRefused() {
        #expect(!sameOrigin(request(host: "127.0.0.1:8080", origin: "http://evil.example")))
        #expect(!sameOrigin(request(host: "127.0.0.1:8080", origin: "http://127.0.0.1:9090")))
        #expect(!sameOrigin(request(host: "127.0.0.1:8080", origin: "null")))
        #expect(!sameOrigin(request(host: "127.0.0.1:8080", origin: "file://")))
        #expect(!sameOrigin(request(host: "127.0.0.1:8080", origin: "http://")))
    }
}
