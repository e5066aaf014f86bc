import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

extension IAMHandlers {
    static func group(_ group: IAMGroup) -> IAM.Group {
        IAM.Group(path: group.path, groupName: group.name, groupId: group.id, arn: group.arn, createDate: group.createdAt)
    }

    static func addGroups(_ iam: IAMBackend, _ handlers: inout AWSHandlers) {
        handlers.on(IAM.Operations.CreateGroup.self) { input, call in
            .init(group: group(try await iam.createGroup(call.caller, name: input.groupName, path: input.path)))
        }
        handlers.on(IAM.Operations.GetGroup.self) { input, call in
            let found = try await iam.getGroup(call.caller, name: input.groupName, marker: input.marker, maxItems: input.maxItems)
            return .init(
                group: group(found.group), users: found.members.items.map { user($0) }, isTruncated: found.members.isTruncated,
                marker: found.members.isTruncated ? found.members.marker : nil)
        }
        handlers.on(IAM.Operations.ListGroups.self) { input, call in
            let page = try await iam.listGroups(call.caller, pathPrefix: input.pathPrefix, marker: input.marker, maxItems: input.maxItems)
            return .init(groups: page.items.map(group), isTruncated: page.isTruncated, marker: page.isTruncated ? page.marker : nil)
        }
        handlers.on(IAM.Operations.UpdateGroup.self) { input, call in
            try await iam.updateGroup(call.caller, name: input.groupName, newName: input.newGroupName, newPath: input.newPath)
            return .init()
        }
        handlers.on(IAM.Operations.DeleteGroup.self) { input, call in
            try await iam.deleteGroup(call.caller, name: input.groupName)
            return .init()
        }
        handlers.on(IAM.Operations.AddUserToGroup.self) { input, call in
            try await iam.addUserToGroup(call.caller, groupName: input.groupName, userName: input.userName)
            return .init()
        }
        handlers.on(IAM.Operations.RemoveUserFromGroup.self) { input, call in
            try await iam.removeUserFromGroup(call.caller, groupName: input.groupName, userName: input.userName)
            return .init()
        }
        handlers.on(IAM.Operations.ListGroupsForUser.self) { input, call in
            let page = try await iam.listGroupsForUser(
                call.caller, userName: input.userName, marker: input.marker, maxItems: input.maxItems)
            return .init(groups: page.items.map(group), isTruncated: page.isTruncated, marker: page.isTruncated ? page.marker : nil)
        }
        handlers.on(IAM.Operations.PutGroupPolicy.self) { input, call in
            try await iam.putGroupPolicy(
                call.caller, groupName: input.groupName, policyName: input.policyName, document: input.policyDocument)
            return .init()
        }
        handlers.on(IAM.Operations.GetGroupPolicy.self) { input, call in
            let found = try await iam.getGroupPolicy(call.caller, groupName: input.groupName, policyName: input.policyName)
            // IAM returns policy documents URL-encoded; SDKs decode them.
            return .init(
                groupName: found.group.name, policyName: found.policy.name, policyDocument: URIEncoding.encode(found.policy.document))
        }
        handlers.on(IAM.Operations.ListGroupPolicies.self) { input, call in
            let page = try await iam.listGroupPolicies(
                call.caller, groupName: input.groupName, marker: input.marker, maxItems: input.maxItems)
            return .init(policyNames: page.items, isTruncated: page.isTruncated, marker: page.isTruncated ? page.marker : nil)
        }
        handlers.on(IAM.Operations.DeleteGroupPolicy.self) { input, call in
            try await iam.deleteGroupPolicy(call.caller, groupName: input.groupName, policyName: input.policyName)
            return .init()
        }
        handlers.on(IAM.Operations.AttachGroupPolicy.self) { input, call in
            try await iam.attachGroupPolicy(call.caller, groupName: input.groupName, policyARN: input.policyArn)
            return .init()
        }
        handlers.on(IAM.Operations.DetachGroupPolicy.self) { input, call in
            try await iam.detachGroupPolicy(call.caller, groupName: input.groupName, policyARN: input.policyArn)
            return .init()
        }
        handlers.on(IAM.Operations.ListAttachedGroupPolicies.self) { input, call in
            let page = try await iam.listAttachedGroupPolicies(
                call.caller, groupName: input.groupName, pathPrefix: input.pathPrefix, marker: input.marker, maxItems: input.maxItems)
            return .init(
                attachedPolicies: page.items.map { IAM.AttachedPolicy(policyName: $0.name, policyArn: $0.arn) },
                isTruncated: page.isTruncated, marker: page.isTruncated ? page.marker : nil)
        }
    }
}
