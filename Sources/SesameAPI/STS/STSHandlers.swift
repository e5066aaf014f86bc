import SesameAWSModels
public import SesameAWSProtocol
import SesameBackend
import SesameCore

/// STS, as far as SES users need it: `GetCallerIdentity`.
public enum STSHandlers {
    public static func make() -> AWSHandlers {
        var handlers = AWSHandlers(STS.self)
        // Always allowed, even under an explicit deny, as in AWS.
        handlers.on(STS.Operations.GetCallerIdentity.self) { _, call in
            let principal = call.caller.principal
            return .init(userId: principal.userID, account: principal.accountID, arn: principal.arn)
        }
        return handlers
    }
}
