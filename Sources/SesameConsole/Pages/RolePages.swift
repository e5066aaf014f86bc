import Foundation
import Hummingbird
import SesameBackend
import SesameCore
import SesameHTTP

/// IAM role pages: list and create (with a trust policy), a role's policies, delete with
/// confirmation.
extension Console {
    static let defaultTrustPolicy = """
        {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Principal": {"AWS": "ACCOUNT_ID"}, "Action": "sts:AssumeRole"}]
        }
        """

    func addRoleRoutes(to router: Router<SesameRequestContext>) {
        router.get("/console/iam/roles") { request, _ in try await self.roles(request) }
        router.post("/console/iam/roles") { request, context in try await self.createRole(request, context) }
        router.get("/console/iam/roles/:name") { request, context in
            guard let signedIn = try await self.signedIn(request) else { return self.redirect("/console/signin") }
            return try await self.roleDetail(
                try context.parameters.require("name"), signedIn: signedIn, notice: request.uri.queryParameters["notice"].map(String.init))
        }
        router.post("/console/iam/roles/:name/action") { request, context in try await self.roleAction(request, context) }
        router.get("/console/iam/roles/:name/delete") { request, context in try await self.roleDeleteForm(request, context) }
        router.post("/console/iam/roles/:name/delete") { request, context in try await self.roleDelete(request, context) }
    }

    func roles(
        _ request: Request, error: String? = nil, draftName: String = "", draftTrust: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        do {
            let page = try await iam.listRoles(signedIn.caller, pathPrefix: nil, marker: nil, maxItems: 1000)
            let model = EntityListModel(
                rows: page.items.map {
                    NamedRow(
                        name: $0.name, pathName: URIEncodingForPath.encode($0.name), arn: $0.arn, created: Timestamp.iso8601($0.createdAt))
                },
                notice: request.uri.queryParameters["notice"].map(String.init), error: error, draftName: draftName,
                draftDocument: draftTrust ?? Self.defaultTrustPolicy.replacingOccurrences(of: "ACCOUNT_ID", with: signedIn.caller.accountID)
            )
            return self.page("roles", title: "IAM roles", model, signedIn: signedIn, status: status)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
    }

    func createRole(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let name = (form["roleName"] ?? "").trimmingSpaces
        let trust = form["trustPolicy"] ?? ""
        do {
            _ = try await iam.createRole(
                signedIn.caller, name: name, path: nil, trustPolicy: trust, description: nil, maxSessionDuration: nil,
                permissionsBoundary: nil,
                tags: [])
            return redirect(
                "/console/iam/roles/\(URIEncodingForPath.encode(name))?notice=\(URIEncodingForPath.encode("Role \(name) was created."))")
        } catch let error as SesameError where error.code != .accessDenied {
            return try await roles(request, error: error.message, draftName: name, draftTrust: trust, status: .badRequest)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/roles")
        }
    }

    func roleDetail(
        _ name: String, signedIn: ConsoleSessions.SignedIn, notice: String? = nil, error: String? = nil
    ) async throws -> Response {
        let caller = signedIn.caller
        do {
            let role = try await iam.getRole(caller, name: name).role
            let inline = try await iam.listRolePolicies(caller, roleName: name, marker: nil, maxItems: 1000).items
            let attached = try await iam.listAttachedRolePolicies(caller, roleName: name, pathPrefix: nil, marker: nil, maxItems: 1000)
                .items
            let model = RoleModel(
                name: role.name, pathName: URIEncodingForPath.encode(role.name), arn: role.arn, created: Timestamp.iso8601(role.createdAt),
                description: role.description ?? "", maxSessionHours: String(role.maxSessionDuration / 3600), trustPolicy: role.trustPolicy,
                inline: inline, attached: attached.map { AttachedRow(name: $0.name, arn: $0.arn) },
                attachable: await attachableRows(caller).filter { row in !attached.contains { $0.arn == row.arn } }, notice: notice,
                error: error)
            return page("role", title: role.name, model, signedIn: signedIn)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/roles")
        }
    }

    func roleAction(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let name = try context.parameters.require("name")
        let caller = signedIn.caller
        do {
            let notice: String
            switch form["do"] ?? "" {
            case "attach":
                try await iam.attachRolePolicy(caller, roleName: name, policyARN: form["policyArn"] ?? "")
                notice = "The policy was attached."
            case "detach":
                try await iam.detachRolePolicy(caller, roleName: name, policyARN: form["policyArn"] ?? "")
                notice = "The policy was detached."
            case "trust":
                _ = try await iam.updateRole(
                    caller, name: name, action: "iam:UpdateAssumeRolePolicy", trustPolicy: form["trustPolicy"] ?? "")
                notice = "The trust policy was saved."
            default:
                return try await roleDetail(name, signedIn: signedIn, error: "Unknown action.")
            }
            return redirect("/console/iam/roles/\(URIEncodingForPath.encode(name))?notice=\(URIEncodingForPath.encode(notice))")
        } catch let error as SesameError where error.code != .accessDenied {
            return try await roleDetail(name, signedIn: signedIn, error: error.message)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/roles/\(URIEncodingForPath.encode(name))")
        }
    }

    func roleDeleteForm(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        let name = try context.parameters.require("name")
        let caller = signedIn.caller
        do {
            let inline = try await iam.listRolePolicies(caller, roleName: name, marker: nil, maxItems: 1000).items.map {
                "inline policy \($0)"
            }
            let attached = try await iam.listAttachedRolePolicies(caller, roleName: name, pathPrefix: nil, marker: nil, maxItems: 1000)
                .items
                .map { "attached policy \($0.name)" }
            let path = "/console/iam/roles/\(URIEncodingForPath.encode(name))"
            return page(
                "entity-delete", title: "Delete \(name)",
                ConfirmDeleteModel(
                    kind: "role", name: name, action: path + "/delete", back: path, blockers: inline + attached,
                    nothing: inline.isEmpty && attached.isEmpty), signedIn: signedIn)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/roles")
        }
    }

    func roleDelete(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let name = try context.parameters.require("name")
        let path = "/console/iam/roles/\(URIEncodingForPath.encode(name))"
        guard form["confirm"] == name else { return confirmationMismatch(signedIn, back: path + "/delete") }
        let caller = signedIn.caller
        do {
            for policy in try await iam.listRolePolicies(caller, roleName: name, marker: nil, maxItems: 1000).items {
                try await iam.deleteRolePolicy(caller, roleName: name, policyName: policy)
            }
            for policy in try await iam.listAttachedRolePolicies(caller, roleName: name, pathPrefix: nil, marker: nil, maxItems: 1000).items
            {
                try await iam.detachRolePolicy(caller, roleName: name, policyARN: policy.arn)
            }
            try await iam.deleteRole(caller, name: name)
            return redirect("/console/iam/roles?notice=\(URIEncodingForPath.encode("Role \(name) was deleted."))")
        } catch {
            return errorPage(error, signedIn: signedIn, back: path)
        }
    }
}
