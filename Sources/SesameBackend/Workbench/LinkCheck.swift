public import SesameCore

/// Asks each link of a message for its status (the console's "Check links" and Mailpit's
/// link-check): only when someone asks, never on its own.
public protocol LinkChecker: Sendable {
    /// Each URL's HTTP status (HEAD, or GET where HEAD is refused), following redirects when
    /// asked; code 0 with the reason when it could not be reached. In the order given.
    func check(_ urls: [String], followRedirects: Bool) async -> [LinkStatus]
}

public struct LinkStatus: Sendable, Equatable {
    public var url: String
    /// 0 when the link could not be reached.
    public var code: Int
    public var text: String

    public init(url: String, code: Int, text: String) {
        self.url = url
        self.code = code
        self.text = text
    }

    /// 4xx, 5xx and unreachable links are errors.
    public var isError: Bool { code == 0 || code >= 400 }
}

extension MailWorkbench {
    /// Every link of the message (at most 200) checked; nil when the message is gone.
    public func checkLinks(id: String, followRedirects: Bool) async throws -> [LinkStatus]? {
        guard let checker = linkChecker else {
            throw SesameError(.invalidParameterValue, "This node checks no links (it was started without a link checker).")
        }
        guard let found = try await message(id) else { return nil }
        let document = MailDocument(found.message.raw)
        return await checker.check(
            Array(MailText.links(text: document.text, html: document.html).prefix(200)), followRedirects: followRedirects)
    }
}
