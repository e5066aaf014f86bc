import SesameAWSModels
public import SesameAWSProtocol
public import SesameBackend
import SesameCore

/// STS: who is calling (`GetCallerIdentity`), and temporary credentials for role sessions
/// (`AssumeRole`) and users (`GetSessionToken`).
public enum STSHandlers {
    static func credentials(_ issued: STSBackend.IssuedCredentials) -> STS.Credentials {
        STS.Credentials(
            accessKeyId: issued.accessKeyID, secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken,
            expiration: issued.expiration)
    }

    public static func make(_ sts: STSBackend) -> AWSHandlers {
        var handlers = AWSHandlers(STS.self)
        // Always allowed, even under an explicit deny, as in AWS.
        handlers.on(STS.Operations.GetCallerIdentity.self) { _, call in
            let principal = call.caller.principal
            return .init(userId: principal.userID, account: principal.accountID, arn: principal.arn)
        }
        handlers.on(STS.Operations.AssumeRole.self) { input, call in
            let request = STSBackend.AssumeRoleRequest(
                roleARN: input.roleArn, sessionName: input.roleSessionName, durationSeconds: input.durationSeconds, policy: input.policy,
                policyARNs: (input.policyArns ?? []).compactMap(\.arn), tags: (input.tags ?? []).map { Tag(key: $0.key, value: $0.value) },
                externalID: input.externalId, sourceIdentity: input.sourceIdentity)
            let (issued, session, packed) = try await sts.assumeRole(call.caller, request)
            return .init(
                credentials: credentials(issued),
                assumedRoleUser: STS.AssumedRoleUser(assumedRoleId: session.assumedRoleID, arn: session.arn),
                packedPolicySize: packed, sourceIdentity: input.sourceIdentity)
        }
        // Not signed: the web identity token is the credential (the front door lets the model's
        // anonymous operations through without a signature).
        handlers.on(STS.Operations.AssumeRoleWithWebIdentity.self) { input, _ in
            let result = try await sts.assumeRoleWithWebIdentity(
                roleARN: input.roleArn, sessionName: input.roleSessionName, token: input.webIdentityToken,
                durationSeconds: input.durationSeconds, policy: input.policy, policyARNs: (input.policyArns ?? []).compactMap(\.arn))
            return .init(
                credentials: credentials(result.credentials), subjectFromWebIdentityToken: result.subject,
                assumedRoleUser: STS.AssumedRoleUser(assumedRoleId: result.session.assumedRoleID, arn: result.session.arn),
                packedPolicySize: ((input.policy?.utf8.count ?? 0) * 100) / 2048, provider: result.issuer, audience: result.audience)
        }
        handlers.on(STS.Operations.GetFederationToken.self) { input, call in
            let (issued, principal) = try await sts.getFederationToken(
                call.caller, name: input.name, durationSeconds: input.durationSeconds, policy: input.policy,
                policyARNs: (input.policyArns ?? []).compactMap(\.arn), tags: (input.tags ?? []).map { Tag(key: $0.key, value: $0.value) })
            return .init(
                credentials: credentials(issued), federatedUser: STS.FederatedUser(federatedUserId: principal.userID, arn: principal.arn),
                packedPolicySize: ((input.policy?.utf8.count ?? 0) * 100) / 2048)
        }
        handlers.on(STS.Operations.GetSessionToken.self) { input, call in
            .init(credentials: credentials(try await sts.getSessionToken(call.caller, durationSeconds: input.durationSeconds)))
        }
        handlers.on(STS.Operations.DecodeAuthorizationMessage.self) { input, call in
            .init(decodedMessage: try AuthorizationMessages(secrets: sts.secrets).decode(call.caller, input.encodedMessage))
        }
        handlers.on(STS.Operations.GetAccessKeyInfo.self) { input, _ in
            .init(account: try await sts.accessKeyAccount(input.accessKeyId))
        }
        return handlers
    }
}
