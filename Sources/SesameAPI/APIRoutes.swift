import Hummingbird
import SesameBackend
import SesameCore

/// Installs the AWS API routes on a router.
public enum APIRoutes {
    public static func add(
        to router: Router<SesameRequestContext>, iam: IAMBackend, ses: SESBackend, regions: [String], clock: any WallClock,
        localHostNames: Set<String> = []
    ) {
        router.add(middleware: UnroutedRequests())
        let authenticator = SigV4Authenticator(credentials: iam.credentials, clock: clock)
        var services = [IAMService.make(iam), STSService.make(), SESv1Service.make(ses)]
        if let sns = ses.sns {
            services.append(SNSService.make(sns))
            SNSService.addPublicRoutes(to: router, sns: sns)
        }
        let door = QueryFrontDoor(
            services: services,
            authenticator: authenticator,
            regions: regions)
        router.post("/") { request, context in await door.handle(request, context: context) }
        router.get("/") { request, context in await door.handle(request, context: context) }
        CapturedMailRoutes(store: ses.store, authenticator: authenticator, localHostNames: localHostNames).add(to: router)
        IdentityVerificationRoutes(ses: ses).add(to: router)
        SESv2Routes(ses: ses, door: RESTJSONFrontDoor(authenticator: authenticator, regions: regions)).add(to: router)
    }
}
