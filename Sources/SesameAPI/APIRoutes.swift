import Hummingbird
import SesameBackend
import SesameCore

/// Installs the AWS API routes on a router.
public enum APIRoutes {
    public static func add(
        to router: Router<SesameRequestContext>, iam: IAMBackend, regions: [String], clock: any WallClock
    ) {
        let door = QueryFrontDoor(
            services: [IAMService.make(iam), STSService.make()],
            authenticator: SigV4Authenticator(credentials: iam.credentials, clock: clock),
            regions: regions)
        router.post("/") { request, context in await door.handle(request, context: context) }
        router.get("/") { request, context in await door.handle(request, context: context) }
    }
}
