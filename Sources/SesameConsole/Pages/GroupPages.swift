import Foundation
import Hummingbird
import SesameBackend
import SesameCore
import SesameHTTP

/// IAM group pages: list and create, a group's members and policies, delete with confirmation.
extension Console {
    func addGroupRoutes(to router: Router<SesameRequestContext>) {
        router.get("/console/iam/groups") { request, _ in try await self.groups(request) }
        router.post("/console/iam/groups") { request, context in try await self.createGroup(request, context) }
        router.get("/console/iam/groups/:name") { request, context in
            guard let signedIn = try await self.signedIn(request) else { return self.redirect("/console/signin") }
            return try await self.groupDetail(
                try context.parameters.require("name"), signedIn: signedIn, notice: request.uri.queryParameters["notice"].map(String.init))
        }
        router.post("/console/iam/groups/:name/action") { request, context in try await self.groupAction(request, context) }
        router.get("/console/iam/groups/:name/delete") { request, context in try await self.groupDeleteForm(request, context) }
        router.post("/console/iam/groups/:name/delete") { request, context in try await self.groupDelete(request, context) }
    }

    /// Every managed policy a group, user or role can be given: AWS's and the account's.
    func attachableRows(_ caller: Caller) async -> [AttachedRow] {
        let page = try? await iam.listPolicies(caller, scope: "All", onlyAttached: false, pathPrefix: nil, marker: nil, maxItems: 1000)
        return (page?.items ?? []).map { AttachedRow(name: $0.policy.name, arn: $0.policy.arn) }
    }

    func groups(_ request: Request, error: String? = nil, draft: String = "", status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        do {
            let page = try await iam.listGroups(signedIn.caller, pathPrefix: nil, marker: nil, maxItems: 1000)
            let model = EntityListModel(
                rows: page.items.map {
                    NamedRow(
                        name: $0.name, pathName: URIEncodingForPath.encode($0.name), arn: $0.arn, created: Timestamp.iso8601($0.createdAt))
                },
                notice: request.uri.queryParameters["notice"].map(String.init), error: error, draftName: draft)
            return self.page("groups", title: "IAM groups", model, signedIn: signedIn, status: status)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
    }

    func createGroup(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let name = (form["groupName"] ?? "").trimmingSpaces
        do {
            _ = try await iam.createGroup(signedIn.caller, name: name, path: nil)
            return redirect(
                "/console/iam/groups/\(URIEncodingForPath.encode(name))?notice=\(URIEncodingForPath.encode("Group \(name) was created."))")
        } catch let error as SesameError where error.code != .accessDenied {
            return try await groups(request, error: error.message, draft: name, status: .badRequest)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/groups")
        }
    }

    func groupDetail(
        _ name: String, signedIn: ConsoleSessions.SignedIn, notice: String? = nil, error: String? = nil
    ) async throws -> Response {
        let caller = signedIn.caller
        do {
            let found = try await iam.getGroup(caller, name: name, marker: nil, maxItems: 1000)
            let inline = try await iam.listGroupPolicies(caller, groupName: name, marker: nil, maxItems: 1000).items
            let attached = try await iam.listAttachedGroupPolicies(caller, groupName: name, pathPrefix: nil, marker: nil, maxItems: 1000)
                .items
            let model = GroupModel(
                name: found.group.name, pathName: URIEncodingForPath.encode(found.group.name), arn: found.group.arn,
                created: Timestamp.iso8601(found.group.createdAt), members: found.members.items.map(\.name), inline: inline,
                attached: attached.map { AttachedRow(name: $0.name, arn: $0.arn) },
                attachable: await attachableRows(caller).filter { row in !attached.contains { $0.arn == row.arn } }, notice: notice,
                error: error)
            return page("group", title: found.group.name, model, signedIn: signedIn)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/groups")
        }
    }

    func groupAction(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let name = try context.parameters.require("name")
        let caller = signedIn.caller
        do {
            let notice: String
            switch form["do"] ?? "" {
            case "add-member":
                let user = (form["userName"] ?? "").trimmingSpaces
                try await iam.addUserToGroup(caller, groupName: name, userName: user)
                notice = "\(user) was added to the group."
            case "remove-member":
                try await iam.removeUserFromGroup(caller, groupName: name, userName: form["userName"] ?? "")
                notice = "\(form["userName"] ?? "") was removed from the group."
            case "attach":
                try await iam.attachGroupPolicy(caller, groupName: name, policyARN: form["policyArn"] ?? "")
                notice = "The policy was attached."
            case "detach":
                try await iam.detachGroupPolicy(caller, groupName: name, policyARN: form["policyArn"] ?? "")
                notice = "The policy was detached."
            default:
                return try await groupDetail(name, signedIn: signedIn, error: "Unknown action.")
            }
            return redirect("/console/iam/groups/\(URIEncodingForPath.encode(name))?notice=\(URIEncodingForPath.encode(notice))")
        } catch let error as SesameError where error.code != .accessDenied {
            return try await groupDetail(name, signedIn: signedIn, error: error.message)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/groups/\(URIEncodingForPath.encode(name))")
        }
    }

    func groupDeleteForm(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        let name = try context.parameters.require("name")
        let caller = signedIn.caller
        do {
            let members = try await iam.getGroup(caller, name: name, marker: nil, maxItems: 1000).members.items.map { "member \($0.name)" }
            let inline = try await iam.listGroupPolicies(caller, groupName: name, marker: nil, maxItems: 1000).items.map {
                "inline policy \($0)"
            }
            let attached = try await iam.listAttachedGroupPolicies(caller, groupName: name, pathPrefix: nil, marker: nil, maxItems: 1000)
                .items
                .map { "attached policy \($0.name)" }
            let blockers = members + inline + attached
            let path = "/console/iam/groups/\(URIEncodingForPath.encode(name))"
            return page(
                "entity-delete", title: "Delete \(name)",
                ConfirmDeleteModel(
                    kind: "group", name: name, action: path + "/delete", back: path, blockers: blockers, nothing: blockers.isEmpty),
                signedIn: signedIn)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/groups")
        }
    }

    func groupDelete(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let name = try context.parameters.require("name")
        let path = "/console/iam/groups/\(URIEncodingForPath.encode(name))"
        guard form["confirm"] == name else { return confirmationMismatch(signedIn, back: path + "/delete") }
        let caller = signedIn.caller
        do {
            // Deleting from the console takes the group apart first, as the AWS console does.
            for member in try await iam.getGroup(caller, name: name, marker: nil, maxItems: 1000).members.items {
                try await iam.removeUserFromGroup(caller, groupName: name, userName: member.name)
            }
            for policy in try await iam.listGroupPolicies(caller, groupName: name, marker: nil, maxItems: 1000).items {
                try await iam.deleteGroupPolicy(caller, groupName: name, policyName: policy)
            }
            for policy in try await iam.listAttachedGroupPolicies(caller, groupName: name, pathPrefix: nil, marker: nil, maxItems: 1000)
                .items
            {
                try await iam.detachGroupPolicy(caller, groupName: name, policyARN: policy.arn)
            }
            try await iam.deleteGroup(caller, name: name)
            return redirect("/console/iam/groups?notice=\(URIEncodingForPath.encode("Group \(name) was deleted."))")
        } catch {
            return errorPage(error, signedIn: signedIn, back: path)
        }
    }

    func confirmationMismatch(_ signedIn: ConsoleSessions.SignedIn, back: String) -> Response {
        page(
            "error", title: "Error",
            ErrorModel(heading: "Not deleted", message: "Type the name exactly to confirm the deletion.", back: back), signedIn: signedIn,
            status: .badRequest)
    }
}
