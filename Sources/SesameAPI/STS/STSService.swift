import SesameAWSProtocol
import SesameBackend

/// STS, as far as SES users need it: `GetCallerIdentity`.
public enum STSService {
    public static func make() -> QueryService {
        QueryService(
            signingNames: ["sts"], namespace: "https://sts.amazonaws.com/doc/2011-06-15/", version: "2011-06-15",
            actions: [
                // Always allowed, even under an explicit deny, as in AWS.
                "GetCallerIdentity": { call in
                    let principal = call.caller.principal
                    return QueryResult { xml in
                        xml.element("Arn", principal.arn)
                        xml.element("UserId", principal.userID)
                        xml.element("Account", principal.accountID)
                    }
                }
            ],
            acceptsGlobalRegion: true)
    }
}
