public import Hummingbird
import SesameAWSModels
import SesameAWSProtocol
public import SesameBackend
public import SesameCore
public import SesameHTTP

/// Installs the AWS API routes on a router: the Query APIs (IAM, STS, SES v1, SNS, and SQS for
/// older SDKs, also at a queue's URL) and AWS JSON 1.0 (SQS) at `/`, SES v2 (REST-JSON) under `/v2/`, captured mail and the public SNS and
/// verification links.
public enum APIRoutes {
    /// Mailpit's WebSocket event stream (served by the HTTP server's upgrade, not the router).
    public static func mailpitEvents(
        iam: IAMBackend, ses: SESBackend, clock: any WallClock, sessions: ConsoleSessions?, localHostNames: Set<String>, root: String
    ) -> MailpitEvents {
        let access = CapturedMailAccess(
            authenticator: SigV4Authenticator(credentials: iam.credentials, clock: clock), sessions: sessions,
            localHostNames: localHostNames)
        return MailpitEvents(workbench: ses.workbench, access: access, root: root)
    }

    public static func add(
        to router: Router<SesameRequestContext>, iam: IAMBackend, ses: SESBackend, regions: [String], clock: any WallClock,
        localHostNames: Set<String> = [], webIdentityKeys: (any WebIdentityKeySource)? = nil, sqs: SQSBackend? = nil,
        sessions: ConsoleSessions? = nil, mailpitRoot: String = "/"
    ) {
        router.add(middleware: UnroutedRequests())
        let authenticator = SigV4Authenticator(credentials: iam.credentials, clock: clock)
        var sns = AWSHandlers(SNS.self)
        let sqsHandlers = sqs.map(SQSHandlers.make) ?? AWSHandlers(SQS.self)
        if let backend = ses.sns {
            sns = SNSHandlers.make(backend)
            SNSPublicRoutes.addPublicRoutes(to: router, sns: backend)
        }
        let endpoints = [
            QueryEndpoint(IAMHandlers.make(iam), acceptsGlobalRegion: true),
            QueryEndpoint(
                STSHandlers.make(
                    STSBackend(
                        store: iam.store, secrets: iam.secrets, clock: iam.clock, webIdentity: WebIdentityVerifier(keys: webIdentityKeys))),
                acceptsGlobalRegion: true),
            QueryEndpoint(SESv1Handlers.make(ses), signingNames: ["ses", "email"]),
            QueryEndpoint(sns),
            QueryEndpoint(sqsHandlers, model: SQS.queryModel),
        ]
        let json = JSONFrontDoor([sqsHandlers], authenticator: authenticator, regions: regions)
        let door = QueryFrontDoor(endpoints: endpoints, json: json, authenticator: authenticator, regions: regions)
        router.post("/") { request, context in await door.handle(request, context: context) }
        router.get("/") { request, context in await door.handle(request, context: context) }
        // Older SDKs post SQS Query requests to the queue's URL (`/ACCOUNT/NAME`).
        router.post("/{account}/{queue}") { request, context in
            let host = request.head.authority ?? "localhost"
            return await door.handle(request, context: context, queueURL: "http://\(host)\(request.uri.path)")
        }
        let access = CapturedMailAccess(authenticator: authenticator, sessions: sessions, localHostNames: localHostNames)
        CapturedMailRoutes(ses: ses, access: access).add(to: router)
        MailpitRoutes(workbench: ses.workbench, access: access, root: mailpitRoot).add(to: router)
        IdentityVerificationRoutes(ses: ses).add(to: router)
        UnsubscribeRoutes(ses: ses).add(to: router)
        TrackingRoutes(ses: ses).add(to: router)
        let v2 = RESTJSONFrontDoor(SESv2Handlers.make(ses), signingNames: ["ses", "email"], authenticator: authenticator, regions: regions)
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] {
            router.on("/v2/**", method: method) { request, context in await v2.handle(request, context: context) }
        }
    }
}
