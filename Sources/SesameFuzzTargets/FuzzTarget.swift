import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameCore
import SesameSMTPProtocol

/// The parsers that read what a client or a remote host chose, each as one function of arbitrary
/// bytes. `sesame-fuzz` runs them under libFuzzer (scripts/fuzz); the test suite replays the
/// saved corpora and every crash ever found through the same functions. A target returns
/// normally for any input: a trap is the finding.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// SMTP server side: the framer and the session state machine, driven as the handler drives them.
    case smtp
    /// Signature V4: the Authorization header, presigned query strings and HTTP dates.
    case sigv4
    /// AWS Query requests: form bodies and query strings, lists and maps.
    case query
    /// MIME: headers, encoded words, address lists, text parts, leaf parts, DSN/ARF reports.
    case mime
    /// IAM policy documents: parsing, then evaluation against a request the input also picks.
    case policy
    /// SES templates: rendering with JSON data.
    case template
    /// The JSON protocols: SES v2 routing by method and path, URI labels, query strings and JSON
    /// bodies decoded and validated by shape, outputs written back; SQS (JSON 1.0) bodies.
    case json
    /// What a relay or a recipient's MX sends back: the reply parser, fed in pieces, driving the
    /// client state machine through set-up and transactions.
    case smtpclient
    /// What a DNS server answers: the wire format, compressed names, MX, A, AAAA, CNAME and TXT.
    case dns

    /// From a plain thread (libFuzzer's): the parsers that need DNS answers run to completion here.
    public func run(_ bytes: [UInt8]) {
        runSync(bytes)
        if let work = asyncWork(bytes) { Self.blocking(work) }
    }

    /// From async code (the corpus replay tests, where blocking a pool thread could starve it).
    public func runAsync(_ bytes: [UInt8]) async {
        runSync(bytes)
        await asyncWork(bytes)?()
    }

    /// The parsers that look things up: received mail's DKIM signatures (a key record the input
    /// also supplies), and SPF and DMARC records (what a sending domain publishes).
    func asyncWork(_ bytes: [UInt8]) -> (@Sendable () async -> Void)? {
        switch self {
        case .mime:
            let keys = Self.FuzzDNS(text: Self.text(bytes.suffix(300)))
            return { _ = await DKIMVerifier(lookup: keys, verify: { _, _, _, _ in true }).verifyAll(bytes, now: Date()) }
        case .policy:
            let records = Self.FuzzDNS(text: Self.text(Self.halves(bytes).0))
            return {
                let spf = await SPFEvaluator.check(ip: "192.0.2.1", domain: "fuzz.test", sender: "a@fuzz.test", helo: "h", lookup: records)
                _ = await DMARCEvaluator.evaluate(fromDomain: "fuzz.test", spf: spf, spfDomain: "fuzz.test", dkim: [], lookup: records)
            }
        case .smtp, .sigv4, .query, .template, .json, .smtpclient, .dns: return nil
        }
    }

    func runSync(_ bytes: [UInt8]) {
        switch self {
        case .smtp: Self.smtp(bytes)
        case .sigv4: Self.sigv4(bytes)
        case .query: Self.query(bytes)
        case .mime: Self.mime(bytes)
        case .policy: Self.policy(bytes)
        case .template: Self.template(bytes)
        case .json: Self.json(bytes)
        case .smtpclient: Self.smtpClient(bytes)
        case .dns: Self.dns(bytes)
        }
    }

    static func text(_ bytes: some Collection<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Splits the input at its first NUL: two independent fields from one input.
    static func halves(_ bytes: [UInt8]) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
        guard let nul = bytes.firstIndex(of: 0) else { return (bytes[...], []) }
        return (bytes[..<nul], bytes[(nul + 1)...])
    }

    static func smtp(_ bytes: [UInt8]) {
        var configuration = SMTPServerStateMachine.Configuration(hostname: "fuzz.test", maxMessageSize: 4096, startTLSAvailable: true)
        configuration.feedbackDomain = "bounces.fuzz.test"
        configuration.maxErrors = 1000
        // Bit 2 of the first byte makes it an inbound (MX) session: no AUTH, recipients as the receipt rules say.
        if bytes.first.map({ $0 & 4 == 4 }) == true { configuration.inbound = { $0.hasSuffix("@fuzz.test") } }
        // The first byte picks the login outcomes, so every branch after AUTH is reachable.
        let authenticates = bytes.first.map { $0 & 1 == 1 } ?? false
        var machine = SMTPServerStateMachine(configuration: configuration, tlsActive: bytes.first.map { $0 & 2 == 2 } ?? false)
        var framer = SMTPFramer(maxCommandLength: 512, maxMessageSize: 4096)
        // Fed in pieces, as a network delivers them.
        var index = bytes.startIndex
        var piece = 1
        while index < bytes.endIndex && !machine.isClosed {
            let end = min(bytes.endIndex, index + piece)
            framer.append(bytes[index..<end])
            index = end
            piece = piece % 7 + 1
            while !machine.isClosed, let frame = framer.next() {
                var action = machine.received(frame)
                while true {
                    switch action {
                    case .replyThenReadData(let reply):
                        _ = reply.wire
                        framer.beginData()
                    case .submit(let envelope, _):
                        action = machine.submitted(
                            envelope.recipients.count % 2 == 0 ? .success("id") : .failure(SMTPRefusal(SMTPReplies.temporaryFailure)))
                        continue
                    case .authenticate:
                        action = machine.authenticated(authenticates ? .success : .invalid)
                        continue
                    case .replyThenStartTLS:
                        machine.tlsEstablished()
                    case .reply(let reply), .replyThenClose(let reply):
                        _ = reply.wire
                    }
                    break
                }
            }
        }
    }

    static func sigv4(_ bytes: [UInt8]) {
        let (head, rest) = halves(bytes)
        let (query, date) = halves(Array(rest))
        let verifier = SigV4Verifier()
        // A date that starts with a digit is an `X-Amz-Date`; anything else goes through the HTTP `Date` parser.
        let dateHeader = date.first.map { $0 >= 0x30 && $0 <= 0x39 } == true ? "x-amz-date" : "date"
        let headers: [(name: String, value: String)] = [
            ("authorization", text(head)), (dateHeader, text(date)), ("host", "fuzz.test"),
        ]
        let request = SigV4HTTPRequest(method: "POST", rawPath: "/", rawQuery: text(query), headers: headers, payloadHash: "")
        if let parsed = try? verifier.parse(request) {
            _ = try? verifier.checkTime(parsed, now: Date(timeIntervalSince1970: 1_800_000_000))
            let key = SigV4Verifier.signingKey(
                secret: "secret", date: parsed.scope.date, region: parsed.scope.region, service: parsed.scope.service)
            _ = try? verifier.verifySignature(parsed, request, signingKey: key)
        }
        // The client address a trusted proxy forwards (`--trusted-proxy`).
        _ = ForwardedFor.client(text(head)) { $0.hasPrefix("10.") }
        let presigned = SigV4HTTPRequest(
            method: "GET", rawPath: text(head), rawQuery: text(query), headers: [("host", "fuzz.test")], payloadHash: "")
        _ = try? verifier.parse(presigned)
    }

    /// Query parameters through the model-driven decoder, validator and XML encoder of the
    /// operation the `Action` names (IAM's, SES's, SNS's or SQS's Query variant; CreateUser when none).
    static func query(_ bytes: [UInt8]) {
        let (body, query) = halves(bytes)
        let parameters = QueryParameters(formBody: Array(body), rawQuery: text(query))
        let models = [IAM.model, SES.model, SNS.model, SQS.queryModel]
        let action = parameters.action ?? "CreateUser"
        let model = models.first { $0.operations[action] != nil } ?? IAM.model
        guard let operation = model.operations[action] ?? model.operations["CreateUser"] else { return }
        let codec = QueryCodec(model: model)
        if let input = try? codec.decode(parameters, operation: operation) {
            _ = codec.encode(input, operation: operation, requestID: "fuzz")
        }
        _ = URIEncoding.decode(body, plusAsSpace: true)
        _ = URIEncoding.encode(body)
        // The workbench's search words, from the console and the Mailpit API.
        _ = try? MailSearch.parse(text(body))
    }

    /// Built once: the route table sorts every SES v2 operation.
    static let sesv2 = RESTJSONCodec(model: SESv2.model)
    static let sqsOperations = SQS.model.operations.keys.sorted()

    /// `METHOD PATH?QUERY` NUL `JSON body`; the same body also goes to an SQS operation picked by
    /// the body's length.
    static func json(_ bytes: [UInt8]) {
        let (head, body) = halves(bytes)
        let line = text(head)
        let space = line.firstIndex(of: " ") ?? line.endIndex
        let method = String(line[..<space])
        let target = space < line.endIndex ? String(line[line.index(after: space)...]) : "/"
        let path = target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
        let query = target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } ?? ""
        let request = AWSHTTPRequest(method: method, path: path, rawQuery: query, headers: [:], body: Array(body))
        let v2 = Self.sesv2
        if let (operation, labels) = v2.route(method: method, path: path),
            let input = try? v2.decode(request, operation: operation, labels: labels)
        {
            _ = v2.encode(input, operation: operation, requestID: "fuzz")
        }
        // Import job files (CSV and JSON Lines) are the caller's bytes too.
        _ = try? DataFile.records(Array(body), format: "CSV", columns: ["emailAddress", "reason"])
        _ = try? DataFile.records(Array(body), format: "JSON", columns: [])
        let sqs = JSONProtocolCodec(model: SQS.model)
        let names = Self.sqsOperations
        if let operation = SQS.model.operations[names[body.count % names.count]], let input = try? sqs.decode(request, operation: operation)
        {
            _ = sqs.encode(input, operation: operation, requestID: "fuzz")
        }
    }

    static func mime(_ bytes: [UInt8]) {
        for (_, value) in MIME.headers(of: bytes).prefix(50) {
            _ = MIME.decodeHeaderText(value)
            _ = MIME.addressList(value)
        }
        _ = MIME.textParts(bytes)
        _ = MIME.leafParts(bytes)
        _ = MIME.removingHeaders(bytes) { $0.hasPrefix("x-") }
        _ = FeedbackReport.parse(bytes)
        // Received mail's spam score reads whatever a remote MTA sent.
        _ = SpamScore.score(bytes, spf: "fail", dkim: "FAIL", dmarc: "FAIL")
        _ = DKIM.relaxedBody(DKIM.normalizingLineEndings(bytes))
        _ = DKIM.relaxedHeader(bytes.prefix(1000))
        // Open and click tracking rewrites the HTML parts of messages senders give.
        _ = MIME.rewritingHTML(bytes) { HTMLTracking.rewrite($0, pixelURL: "p") { "t" + $0.url } }
        _ = HTMLTracking.rewrite(text(bytes), pixelURL: nil) { $0.url + "x" }
        // The captured-mail workbench reads every message a client sent: its parts, bodies,
        // links, snippet, compatibility findings, and the part a download names.
        let document = MailDocument(bytes)
        for part in document.parts.prefix(20) { _ = MailDocument.content(of: bytes, partID: part.id) }
        _ = MailDocument.content(of: bytes, partID: text(bytes.prefix(12)))
        _ = MailText.links(text: document.text, html: document.html ?? text(bytes))
        _ = MailText.plainText(fromHTML: text(bytes))
        _ = HTMLCompatibility.findings(document.html ?? "")
        let stored = StoredMessage(
            id: "fuzz", region: "us-east-1", source: "a@example.com", destinations: ["b@example.net"], subject: nil, raw: bytes,
            principalARN: "arn:aws:iam::123456789012:root", via: .smtp, createdAt: Date(timeIntervalSince1970: 0))
        _ = MailAddressBook.decode(MailIndexEntry(stored).addresses.encoded())
    }

    /// DNS answers chosen by the input: every TXT query answers the same text, every host the
    /// same address, every domain the same exchanger.
    struct FuzzDNS: SPFLookup, DKIMKeyLookup {
        var text: String
        func texts(_ name: String) async throws -> [String] { [text] }
        func addresses(_ host: String) async throws -> [String] { ["192.0.2.1", "2001:db8::1"] }
        func mailExchangers(_ domain: String) async throws -> [String] { ["mx." + domain] }
    }

    /// Runs async parsing to completion from the synchronous fuzz entry point.
    static func blocking(_ work: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await work()
            done.signal()
        }
        done.wait()
    }

    /// Identity policies (alone and as a boundary), role trust policies and their evaluation,
    /// policy ARNs, and web identity tokens (JWTs) as AssumeRoleWithWebIdentity reads them.
    static func policy(_ bytes: [UInt8]) {
        let (document, request) = halves(bytes)
        let fields = text(request).split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        let context: [String: [String]] = fields.count > 2 ? ["aws:SourceIp": [fields[2]], "ses:FromAddress": [fields[2]]] : [:]
        let authorization = AuthorizationRequest(action: fields.first ?? "", resource: fields.count > 1 ? fields[1] : "*", context: context)
        if let trust = try? TrustPolicy.parse(text(document)) {
            let requester = TrustPolicy.Requester(
                accountID: "123456789012", arns: [fields.count > 1 ? fields[1] : ""], federated: fields.count > 2 ? fields[2] : nil)
            _ = trust.evaluate(action: fields.first ?? "sts:AssumeRole", requester: requester, context: context)
        }
        if let sending = try? SendingAuthorizationPolicy.parse(text(document), identityARN: fields.count > 1 ? fields[1] : nil) {
            _ = sending.evaluate(authorization, requester: TrustPolicy.Requester(accountID: "123456789012", arns: [authorization.resource]))
        }
        // SNS filter policies, matched against the request half as a message body and an attribute.
        for scope in ["MessageBody", "MessageAttributes"] {
            if let filter = try? SNSFilterPolicy.parse(text(document), scope: scope) {
                _ = filter.matches(attributes: ["kind": ("String.Array", text(request))], body: text(request))
            }
        }
        // SNS delivery policies (a topic's and a subscription's) and MessageStructure=json messages.
        _ = try? SNSDeliveryPolicy.validate(text(document), topic: true)
        _ = try? SNSDeliveryPolicy.validate(text(document), topic: false)
        let delivery = SNSDeliveryPolicy.effective(topic: text(document), subscription: text(document))
        _ = (0...min(delivery.numRetries + 1, 120)).map { delivery.delay(beforeRetry: $0) }
        if let publication = try? SNSPublication(message: text(document), subject: text(request), structure: "json") {
            _ = publication.message(for: "sqs")
        }
        _ = PolicyReference(arn: text(document))
        if let token = try? WebIdentityToken.parse(text(document)) {
            _ = (token.audiences, token.number("exp"), token.string("iss"))
        }
        guard let policy = try? PolicyDocument.parse(text(document)) else { return }
        _ = PolicyEvaluator.evaluate([policy], authorization)
        _ = PolicyEvaluator.evaluate(PolicySet(identity: [policy], boundary: policy, session: [policy, .allowsNothing]), authorization)
    }

    static func template(_ bytes: [UInt8]) {
        let (template, data) = halves(bytes)
        let values = (try? TemplateRenderer.parseData(text(data))) ?? ["name": "x", "list": [1, 2], "flag": true]
        _ = try? TemplateRenderer.render(text(template), data: values, escapeHTML: true)
    }
}
