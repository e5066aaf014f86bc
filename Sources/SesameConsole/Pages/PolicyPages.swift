import Foundation
import Hummingbird
import SesameBackend
import SesameCore
import SesameHTTP

/// Managed policy pages: the list (the account's and AWS's), create, one policy with its
/// versions and who uses it, delete with confirmation. A policy is named by its ARN in the query.
extension Console {
    func addPolicyRoutes(to router: Router<SesameRequestContext>) {
        router.get("/console/iam/policies") { request, _ in try await self.policies(request) }
        router.post("/console/iam/policies") { request, context in try await self.createPolicy(request, context) }
        router.get("/console/iam/policy") { request, _ in
            guard let signedIn = try await self.signedIn(request) else { return self.redirect("/console/signin") }
            return try await self.policyDetail(
                request.uri.queryParameters["arn"].map(String.init) ?? "", signedIn: signedIn,
                notice: request.uri.queryParameters["notice"].map(String.init))
        }
        router.post("/console/iam/policy/action") { request, context in try await self.policyAction(request, context) }
        router.get("/console/iam/policy/delete") { request, _ in try await self.policyDeleteForm(request) }
        router.post("/console/iam/policy/delete") { request, context in try await self.policyDelete(request, context) }
    }

    func policyPath(_ arn: String) -> String { "/console/iam/policy?arn=\(URIEncodingForPath.encode(arn))" }

    func policies(
        _ request: Request, error: String? = nil, draftName: String = "", draftDocument: String = "", status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        do {
            let page = try await iam.listPolicies(
                signedIn.caller, scope: "All", onlyAttached: false, pathPrefix: nil, marker: nil, maxItems: 1000)
            let model = EntityListModel(
                rows: page.items.map {
                    NamedRow(
                        name: $0.policy.name, pathName: URIEncodingForPath.encode($0.policy.arn), arn: $0.policy.arn,
                        created: $0.policy.isAWSManaged ? "AWS managed" : "Customer managed · \($0.attachmentCount) attached")
                },
                notice: request.uri.queryParameters["notice"].map(String.init), error: error, draftName: draftName,
                draftDocument: draftDocument)
            return self.page("policies", title: "Policies", model, signedIn: signedIn, status: status)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
    }

    func createPolicy(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let name = (form["policyName"] ?? "").trimmingSpaces
        let document = form["document"] ?? ""
        do {
            let created = try await iam.createPolicy(
                signedIn.caller, name: name, path: nil, document: document,
                description: form["description"].flatMap { $0.isEmpty ? nil : $0 },
                tags: [])
            return redirect(policyPath(created.policy.arn) + "&notice=\(URIEncodingForPath.encode("Policy \(name) was created."))")
        } catch let error as SesameError where error.code != .accessDenied {
            return try await policies(request, error: error.message, draftName: name, draftDocument: document, status: .badRequest)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/policies")
        }
    }

    func policyDetail(
        _ arn: String, signedIn: ConsoleSessions.SignedIn, notice: String? = nil, error: String? = nil
    ) async throws -> Response {
        let caller = signedIn.caller
        do {
            let info = try await iam.getPolicy(caller, policyARN: arn)
            let versions = try await iam.listPolicyVersions(caller, policyARN: arn, marker: nil, maxItems: 1000)
            let entities = try await iam.listEntitiesForPolicy(
                caller, policyARN: arn, filter: nil, pathPrefix: nil, marker: nil, maxItems: 1000)
            var users: [String] = [], groups: [String] = [], roles: [String] = []
            for entity in entities.items {
                switch entity {
                case .user(let name, _): users.append(name)
                case .group(let name, _): groups.append(name)
                case .role(let name, _): roles.append(name)
                }
            }
            let model = PolicyModel(
                name: info.policy.name, arn: arn, pathARN: URIEncodingForPath.encode(arn), description: info.policy.description,
                document: info.policy.document,
                versions: versions.versions.items.map {
                    PolicyVersionRow(id: $0.id, isDefault: $0.number == versions.defaultVersion, created: Timestamp.iso8601($0.createdAt))
                },
                users: users, groups: groups, roles: roles, awsManaged: info.policy.isAWSManaged, notice: notice, error: error)
            return page("policy", title: info.policy.name, model, signedIn: signedIn)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/policies")
        }
    }

    func policyAction(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let arn = form["arn"] ?? ""
        let caller = signedIn.caller
        do {
            let notice: String
            switch form["do"] ?? "" {
            case "new-version":
                let created = try await iam.createPolicyVersion(
                    caller, policyARN: arn, document: form["document"] ?? "", setAsDefault: form["setAsDefault"] == "on")
                notice = "Version \(created.version.id) was created\(created.isDefault ? " and is the default" : "")."
            case "set-default":
                try await iam.setDefaultPolicyVersion(caller, policyARN: arn, versionID: form["version"] ?? "")
                notice = "\(form["version"] ?? "") is now the default version."
            case "delete-version":
                try await iam.deletePolicyVersion(caller, policyARN: arn, versionID: form["version"] ?? "")
                notice = "Version \(form["version"] ?? "") was deleted."
            default:
                return try await policyDetail(arn, signedIn: signedIn, error: "Unknown action.")
            }
            return redirect(policyPath(arn) + "&notice=\(URIEncodingForPath.encode(notice))")
        } catch let error as SesameError where error.code != .accessDenied && error.code != .noSuchEntity {
            return try await policyDetail(arn, signedIn: signedIn, error: error.message)
        } catch {
            return errorPage(error, signedIn: signedIn, back: policyPath(arn))
        }
    }

    func policyDeleteForm(_ request: Request) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        let arn = request.uri.queryParameters["arn"].map(String.init) ?? ""
        do {
            let info = try await iam.getPolicy(signedIn.caller, policyARN: arn)
            let entities = try await iam.listEntitiesForPolicy(
                signedIn.caller, policyARN: arn, filter: nil, pathPrefix: nil, marker: nil, maxItems: 1000)
            let blockers = entities.items.map { entity -> String in
                switch entity {
                case .user(let name, _): "attached to user \(name)"
                case .group(let name, _): "attached to group \(name)"
                case .role(let name, _): "attached to role \(name)"
                }
            }
            return page(
                "entity-delete", title: "Delete \(info.policy.name)",
                ConfirmDeleteModel(
                    kind: "policy", name: info.policy.name, action: "/console/iam/policy/delete?arn=\(URIEncodingForPath.encode(arn))",
                    back: policyPath(arn), blockers: blockers, nothing: blockers.isEmpty), signedIn: signedIn)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/policies")
        }
    }

    func policyDelete(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let arn = request.uri.queryParameters["arn"].map(String.init) ?? ""
        let caller = signedIn.caller
        do {
            let info = try await iam.getPolicy(caller, policyARN: arn)
            guard form["confirm"] == info.policy.name else {
                return confirmationMismatch(signedIn, back: "/console/iam/policy/delete?arn=\(URIEncodingForPath.encode(arn))")
            }
            // As the AWS console does: detach it everywhere and drop its old versions first.
            for entity in try await iam.listEntitiesForPolicy(
                caller, policyARN: arn, filter: nil, pathPrefix: nil, marker: nil, maxItems: 1000
            ).items {
                switch entity {
                case .user(let name, _): try await iam.detachUserPolicy(caller, userName: name, policyARN: arn)
                case .group(let name, _): try await iam.detachGroupPolicy(caller, groupName: name, policyARN: arn)
                case .role(let name, _): try await iam.detachRolePolicy(caller, roleName: name, policyARN: arn)
                }
            }
            let versions = try await iam.listPolicyVersions(caller, policyARN: arn, marker: nil, maxItems: 1000)
            for version in versions.versions.items where version.number != versions.defaultVersion {
                try await iam.deletePolicyVersion(caller, policyARN: arn, versionID: version.id)
            }
            try await iam.deletePolicy(caller, policyARN: arn)
            return redirect("/console/iam/policies?notice=\(URIEncodingForPath.encode("Policy \(info.policy.name) was deleted."))")
        } catch {
            return errorPage(error, signedIn: signedIn, back: policyPath(arn))
        }
    }
}
