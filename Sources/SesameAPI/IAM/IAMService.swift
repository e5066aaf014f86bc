import Foundation
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// The IAM Query API (version 2010-05-08): each action reads its parameters, calls `IAMBackend`,
/// and writes IAM's result element.
public enum IAMService {
    public static let namespace = "https://iam.amazonaws.com/doc/2010-05-08/"

    public static func make(_ iam: IAMBackend) -> QueryService {
        var actions: [String: QueryAction] = [:]
        addUserActions(iam, &actions)
        addAccessKeyActions(iam, &actions)
        addPolicyActions(iam, &actions)
        addLoginProfileActions(iam, &actions)
        return QueryService(
            signingNames: ["iam"], namespace: namespace, version: "2010-05-08", actions: actions, acceptsGlobalRegion: true)
    }

    // MARK: Rendering shared by the actions

    static func date(_ date: Date) -> String { Timestamp.iso8601(date) }

    static func writeUser(_ xml: inout XMLWriter, _ user: IAMUser, tags: [Tag]? = nil) {
        xml.element("Path", user.path)
        xml.element("UserName", user.name)
        xml.element("UserId", user.id)
        xml.element("Arn", user.arn)
        xml.element("CreateDate", date(user.createdAt))
        if let used = user.passwordLastUsed { xml.element("PasswordLastUsed", date(used)) }
        if let tags, !tags.isEmpty { writeTags(&xml, tags) }
    }

    static func writeTags(_ xml: inout XMLWriter, _ tags: [Tag]) {
        xml.list("Tags", tags) { xml, tag in
            xml.element("Key", tag.key)
            xml.element("Value", tag.value)
        }
    }

    static func writePage(_ xml: inout XMLWriter, truncated: Bool, marker: String?) {
        xml.element("IsTruncated", truncated)
        if truncated { xml.element("Marker", marker) }
    }

    static func tags(_ p: QueryParameters) -> [Tag] {
        p.keyValueList("Tags").map { Tag(key: $0.key, value: $0.value) }
    }

    static func maxItems(_ p: QueryParameters) throws -> Int? { try p.integer("MaxItems") }

    // MARK: Users

    static func addUserActions(_ iam: IAMBackend, _ actions: inout [String: QueryAction]) {
        actions["CreateUser"] = { call in
            let p = call.parameters
            let user = try await iam.createUser(call.caller, name: try p.required("UserName"), path: p["Path"], tags: tags(p))
            return QueryResult { xml in xml.element("User") { writeUser(&$0, user, tags: user.tags) } }
        }
        actions["GetUser"] = { call in
            let found = try await iam.getUser(call.caller, name: call.parameters["UserName"])
            return QueryResult { xml in
                xml.element("User") { xml in
                    switch found.principal {
                    case .root(let account):
                        xml.element("UserId", account)
                        xml.element("Arn", ARN.root(account: account))
                        xml.element("CreateDate", date(found.createdAt))
                    case .user(let user):
                        writeUser(&xml, user, tags: found.tags)
                    }
                }
            }
        }
        actions["ListUsers"] = { call in
            let p = call.parameters
            let page = try await iam.listUsers(call.caller, pathPrefix: p["PathPrefix"], marker: p["Marker"], maxItems: try maxItems(p))
            return QueryResult { xml in
                xml.list("Users", page.items) { writeUser(&$0, $1) }
                writePage(&xml, truncated: page.isTruncated, marker: page.marker)
            }
        }
        actions["UpdateUser"] = { call in
            let p = call.parameters
            try await iam.updateUser(call.caller, name: try p.required("UserName"), newName: p["NewUserName"], newPath: p["NewPath"])
            return .empty
        }
        actions["DeleteUser"] = { call in
            try await iam.deleteUser(call.caller, name: try call.parameters.required("UserName"))
            return .empty
        }
        actions["TagUser"] = { call in
            let p = call.parameters
            try await iam.tagUser(call.caller, name: try p.required("UserName"), tags: tags(p))
            return .empty
        }
        actions["UntagUser"] = { call in
            let p = call.parameters
            try await iam.untagUser(call.caller, name: try p.required("UserName"), keys: p.list("TagKeys"))
            return .empty
        }
        actions["ListUserTags"] = { call in
            let p = call.parameters
            let page = try await iam.listUserTags(call.caller, name: try p.required("UserName"), marker: p["Marker"], maxItems: try maxItems(p))
            return QueryResult { xml in
                xml.list("Tags", page.items) { xml, tag in
                    xml.element("Key", tag.key)
                    xml.element("Value", tag.value)
                }
                writePage(&xml, truncated: page.isTruncated, marker: page.marker)
            }
        }
        actions["GetAccountSummary"] = { call in
            let summary = try await iam.accountSummary(call.caller)
            return QueryResult { xml in
                xml.element("SummaryMap") { xml in
                    for (key, value) in summary {
                        xml.element("entry") { xml in
                            xml.element("key", key)
                            xml.element("value", value)
                        }
                    }
                }
            }
        }
    }

    // MARK: Access keys

    static func addAccessKeyActions(_ iam: IAMBackend, _ actions: inout [String: QueryAction]) {
        actions["CreateAccessKey"] = { call in
            let created = try await iam.createAccessKey(call.caller, userName: call.parameters["UserName"])
            return QueryResult { xml in
                xml.element("AccessKey") { xml in
                    xml.element("UserName", created.userName)
                    xml.element("AccessKeyId", created.key.id)
                    xml.element("Status", created.key.status.rawValue)
                    xml.element("SecretAccessKey", created.secret)
                    xml.element("CreateDate", date(created.key.createdAt))
                }
            }
        }
        actions["ListAccessKeys"] = { call in
            let p = call.parameters
            let listed = try await iam.listAccessKeys(call.caller, userName: p["UserName"], marker: p["Marker"], maxItems: try maxItems(p))
            return QueryResult { xml in
                xml.list("AccessKeyMetadata", listed.page.items) { xml, key in
                    xml.element("UserName", listed.userName)
                    xml.element("AccessKeyId", key.id)
                    xml.element("Status", key.status.rawValue)
                    xml.element("CreateDate", date(key.createdAt))
                }
                writePage(&xml, truncated: listed.page.isTruncated, marker: listed.page.marker)
            }
        }
        actions["UpdateAccessKey"] = { call in
            let p = call.parameters
            try await iam.updateAccessKey(
                call.caller, userName: p["UserName"], accessKeyID: try p.required("AccessKeyId"), status: try p.required("Status"))
            return .empty
        }
        actions["DeleteAccessKey"] = { call in
            let p = call.parameters
            try await iam.deleteAccessKey(call.caller, userName: p["UserName"], accessKeyID: try p.required("AccessKeyId"))
            return .empty
        }
        actions["GetAccessKeyLastUsed"] = { call in
            let found = try await iam.accessKeyLastUsed(call.caller, accessKeyID: try call.parameters.required("AccessKeyId"))
            return QueryResult { xml in
                xml.element("UserName", found.userName)
                xml.element("AccessKeyLastUsed") { xml in
                    if let used = found.key.lastUsedAt { xml.element("LastUsedDate", date(used)) }
                    xml.element("ServiceName", found.key.lastUsedService ?? "N/A")
                    xml.element("Region", found.key.lastUsedRegion ?? "N/A")
                }
            }
        }
    }

    // MARK: Policies

    static func writePolicy(_ xml: inout XMLWriter, _ info: IAMBackend.PolicyInfo, description: Bool) {
        let policy = info.policy
        xml.element("PolicyName", policy.name)
        xml.element("PolicyId", policy.id)
        xml.element("Arn", policy.arn)
        xml.element("Path", policy.path)
        xml.element("DefaultVersionId", "v1")
        xml.element("AttachmentCount", info.attachmentCount)
        xml.element("PermissionsBoundaryUsageCount", 0)
        xml.element("IsAttachable", true)
        if description { xml.element("Description", policy.description) }
        xml.element("CreateDate", date(policy.createdAt))
        xml.element("UpdateDate", date(policy.createdAt))
    }

    static func addPolicyActions(_ iam: IAMBackend, _ actions: inout [String: QueryAction]) {
        actions["PutUserPolicy"] = { call in
            let p = call.parameters
            try await iam.putUserPolicy(
                call.caller, userName: try p.required("UserName"), policyName: try p.required("PolicyName"),
                document: try p.required("PolicyDocument"))
            return .empty
        }
        actions["GetUserPolicy"] = { call in
            let p = call.parameters
            let userName = try p.required("UserName")
            let policy = try await iam.getUserPolicy(call.caller, userName: userName, policyName: try p.required("PolicyName"))
            return QueryResult { xml in
                xml.element("UserName", userName)
                xml.element("PolicyName", policy.name)
                // IAM returns policy documents URL-encoded; SDKs decode them.
                xml.element("PolicyDocument", URIEncoding.encode(policy.document))
            }
        }
        actions["ListUserPolicies"] = { call in
            let p = call.parameters
            let page = try await iam.listUserPolicies(call.caller, userName: try p.required("UserName"), marker: p["Marker"], maxItems: try maxItems(p))
            return QueryResult { xml in
                xml.list("PolicyNames", page.items) { xml, name in xml.characters(name) }
                writePage(&xml, truncated: page.isTruncated, marker: page.marker)
            }
        }
        actions["DeleteUserPolicy"] = { call in
            let p = call.parameters
            try await iam.deleteUserPolicy(call.caller, userName: try p.required("UserName"), policyName: try p.required("PolicyName"))
            return .empty
        }
        actions["AttachUserPolicy"] = { call in
            let p = call.parameters
            try await iam.attachUserPolicy(call.caller, userName: try p.required("UserName"), policyARN: try p.required("PolicyArn"))
            return .empty
        }
        actions["DetachUserPolicy"] = { call in
            let p = call.parameters
            try await iam.detachUserPolicy(call.caller, userName: try p.required("UserName"), policyARN: try p.required("PolicyArn"))
            return .empty
        }
        actions["ListAttachedUserPolicies"] = { call in
            let p = call.parameters
            let page = try await iam.listAttachedUserPolicies(
                call.caller, userName: try p.required("UserName"), pathPrefix: p["PathPrefix"], marker: p["Marker"],
                maxItems: try maxItems(p))
            return QueryResult { xml in
                xml.list("AttachedPolicies", page.items) { xml, policy in
                    xml.element("PolicyName", policy.name)
                    xml.element("PolicyArn", policy.arn)
                }
                writePage(&xml, truncated: page.isTruncated, marker: page.marker)
            }
        }
        actions["ListPolicies"] = { call in
            let p = call.parameters
            let page = try await iam.listPolicies(
                call.caller, scope: p["Scope"], onlyAttached: try p.boolean("OnlyAttached") ?? false, pathPrefix: p["PathPrefix"],
                marker: p["Marker"], maxItems: try maxItems(p))
            return QueryResult { xml in
                xml.list("Policies", page.items) { writePolicy(&$0, $1, description: false) }
                writePage(&xml, truncated: page.isTruncated, marker: page.marker)
            }
        }
        actions["GetPolicy"] = { call in
            let info = try await iam.getPolicy(call.caller, policyARN: try call.parameters.required("PolicyArn"))
            return QueryResult { xml in xml.element("Policy") { writePolicy(&$0, info, description: true) } }
        }
    }

    // MARK: Login profiles

    static func addLoginProfileActions(_ iam: IAMBackend, _ actions: inout [String: QueryAction]) {
        actions["CreateLoginProfile"] = { call in
            let p = call.parameters
            let name = p["UserName"]
            let profile = try await iam.createLoginProfile(
                call.caller, userName: name, password: try p.required("Password"),
                resetRequired: try p.boolean("PasswordResetRequired") ?? false)
            let userName = name ?? call.caller.principal.arn.split(separator: "/").last.map(String.init) ?? ""
            return QueryResult { xml in
                xml.element("LoginProfile") { xml in
                    xml.element("UserName", userName)
                    xml.element("CreateDate", date(profile.createdAt))
                    xml.element("PasswordResetRequired", profile.passwordResetRequired)
                }
            }
        }
        actions["GetLoginProfile"] = { call in
            let found = try await iam.getLoginProfile(call.caller, userName: call.parameters["UserName"])
            return QueryResult { xml in
                xml.element("LoginProfile") { xml in
                    xml.element("UserName", found.userName)
                    xml.element("CreateDate", date(found.profile.createdAt))
                    xml.element("PasswordResetRequired", found.profile.passwordResetRequired)
                }
            }
        }
        actions["UpdateLoginProfile"] = { call in
            let p = call.parameters
            try await iam.updateLoginProfile(
                call.caller, userName: p["UserName"], password: p["Password"], resetRequired: try p.boolean("PasswordResetRequired"))
            return .empty
        }
        actions["DeleteLoginProfile"] = { call in
            try await iam.deleteLoginProfile(call.caller, userName: call.parameters["UserName"])
            return .empty
        }
    }
}
