import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

extension IAMHandlers {
    static func addAccessKeys(_ iam: IAMBackend, _ handlers: inout AWSHandlers) {
        handlers.on(IAM.Operations.CreateAccessKey.self) { input, call in
            let created = try await iam.createAccessKey(call.caller, userName: input.userName)
            return .init(
                accessKey: IAM.AccessKey(
                    userName: created.userName, accessKeyId: created.key.id, status: created.key.status.rawValue,
                    secretAccessKey: created.secret, createDate: created.key.createdAt))
        }
        handlers.on(IAM.Operations.ListAccessKeys.self) { input, call in
            let listed = try await iam.listAccessKeys(call.caller, userName: input.userName, marker: input.marker, maxItems: input.maxItems)
            return .init(
                accessKeyMetadata: listed.page.items.map {
                    IAM.AccessKeyMetadata(
                        userName: listed.userName, accessKeyId: $0.id, status: $0.status.rawValue, createDate: $0.createdAt)
                },
                isTruncated: listed.page.isTruncated, marker: listed.page.isTruncated ? listed.page.marker : nil)
        }
        handlers.on(IAM.Operations.UpdateAccessKey.self) { input, call in
            try await iam.updateAccessKey(call.caller, userName: input.userName, accessKeyID: input.accessKeyId, status: input.status)
            return .init()
        }
        handlers.on(IAM.Operations.DeleteAccessKey.self) { input, call in
            try await iam.deleteAccessKey(call.caller, userName: input.userName, accessKeyID: input.accessKeyId)
            return .init()
        }
        handlers.on(IAM.Operations.GetAccessKeyLastUsed.self) { input, call in
            let found = try await iam.accessKeyLastUsed(call.caller, accessKeyID: input.accessKeyId)
            return .init(
                userName: found.userName,
                accessKeyLastUsed: IAM.AccessKeyLastUsed(
                    lastUsedDate: found.key.lastUsedAt, serviceName: found.key.lastUsedService ?? "N/A",
                    region: found.key.lastUsedRegion ?? "N/A"))
        }
    }

    static func addPolicies(_ iam: IAMBackend, _ handlers: inout AWSHandlers) {
        handlers.on(IAM.Operations.PutUserPolicy.self) { input, call in
            try await iam.putUserPolicy(call.caller, userName: input.userName, policyName: input.policyName, document: input.policyDocument)
            return .init()
        }
        handlers.on(IAM.Operations.GetUserPolicy.self) { input, call in
            let policy = try await iam.getUserPolicy(call.caller, userName: input.userName, policyName: input.policyName)
            // IAM returns policy documents URL-encoded; SDKs decode them.
            return .init(userName: input.userName, policyName: policy.name, policyDocument: URIEncoding.encode(policy.document))
        }
        handlers.on(IAM.Operations.ListUserPolicies.self) { input, call in
            let page = try await iam.listUserPolicies(call.caller, userName: input.userName, marker: input.marker, maxItems: input.maxItems)
            return .init(policyNames: page.items, isTruncated: page.isTruncated, marker: page.isTruncated ? page.marker : nil)
        }
        handlers.on(IAM.Operations.DeleteUserPolicy.self) { input, call in
            try await iam.deleteUserPolicy(call.caller, userName: input.userName, policyName: input.policyName)
            return .init()
        }
        handlers.on(IAM.Operations.AttachUserPolicy.self) { input, call in
            try await iam.attachUserPolicy(call.caller, userName: input.userName, policyARN: input.policyArn)
            return .init()
        }
        handlers.on(IAM.Operations.DetachUserPolicy.self) { input, call in
            try await iam.detachUserPolicy(call.caller, userName: input.userName, policyARN: input.policyArn)
            return .init()
        }
        handlers.on(IAM.Operations.ListAttachedUserPolicies.self) { input, call in
            let page = try await iam.listAttachedUserPolicies(
                call.caller, userName: input.userName, pathPrefix: input.pathPrefix, marker: input.marker, maxItems: input.maxItems)
            return .init(
                attachedPolicies: page.items.map { IAM.AttachedPolicy(policyName: $0.name, policyArn: $0.arn) },
                isTruncated: page.isTruncated, marker: page.isTruncated ? page.marker : nil)
        }
    }
}
