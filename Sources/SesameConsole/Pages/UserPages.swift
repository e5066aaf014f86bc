import Foundation
import Hummingbird
import SesameBackend
import SesameCore
import SesameHTTP

/// IAM user pages: create, detail (keys, policies, password, SMTP login failures) and its actions.
extension Console {
    func addUserRoutes(to router: Router<SesameRequestContext>) {
        router.get("/console/iam/create-user") { request, context in
            guard let signedIn = try await self.signedIn(request) else { return self.redirect("/console/signin") }
            return self.page("user-create", title: "Create IAM user", UserCreateModel(), signedIn: signedIn)
        }
        router.post("/console/iam/create-user") { request, context in try await self.createUser(request, context) }
        router.get("/console/iam/users/:name") { request, context in
            guard let signedIn = try await self.signedIn(request) else { return self.redirect("/console/signin") }
            let name = try context.parameters.require("name")
            var draft: (String, String)?
            if let policy = request.uri.queryParameters["policy"].map(String.init),
                let found = try? await self.iam.getUserPolicy(signedIn.caller, userName: name, policyName: policy)
            {
                draft = (policy, found.document)
            }
            return try await self.userDetail(
                name, signedIn: signedIn, notice: request.uri.queryParameters["notice"].map(String.init), draft: draft)
        }
        router.post("/console/iam/users/:name/action") { request, context in try await self.userAction(request, context) }
    }

    /// What a user owns: its access keys, inline and attached policies, and whether it has a console password.
    func holdings(
        of name: String, caller: Caller
    ) async throws -> (
        keys: [AccessKey], policies: [String], attached: [PolicyReference], hasPassword: Bool
    ) {
        let keys = try await iam.listAccessKeys(caller, userName: name, marker: nil, maxItems: 100).page.items
        let policies = try await iam.listUserPolicies(caller, userName: name, marker: nil, maxItems: 1000).items
        let attached = try await iam.listAttachedUserPolicies(caller, userName: name, pathPrefix: nil, marker: nil, maxItems: 1000).items
        let hasPassword = (try? await iam.getLoginProfile(caller, userName: name)) != nil
        return (keys, policies, attached, hasPassword)
    }

    func createUser(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let name = (form["userName"] ?? "").trimmingSpaces
        do {
            _ = try await iam.createUser(signedIn.caller, name: name, path: nil, tags: [])
            return redirect(
                "/console/iam/users/\(URIEncodingForPath.encode(name))?notice=\(URIEncodingForPath.encode("User \(name) was created."))")
        } catch let error as SesameError where error.code != .accessDenied {
            return page(
                "user-create", title: "Create IAM user", UserCreateModel(error: error.message, userName: name), signedIn: signedIn,
                status: .badRequest
            )
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/users")
        }
    }

    func userDetail(
        _ name: String, signedIn: ConsoleSessions.SignedIn, notice: String? = nil, error: String? = nil, draft: (String, String)? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let caller = signedIn.caller
        do {
            let user = try await iam.getUser(caller, name: name)
            let (keys, policies, attached, hasPassword) = try await holdings(of: name, caller: caller)
            let failures = (try? await iam.smtpAuthFailures(caller, userName: name)) ?? []
            let groups = (try? await iam.listGroupsForUser(caller, userName: name, marker: nil, maxItems: 1000).items) ?? []
            var groupPolicies: [String] = []
            for group in groups {
                let inline = (try? await iam.listGroupPolicies(caller, groupName: group.name, marker: nil, maxItems: 1000).items) ?? []
                let attached =
                    (try? await iam.listAttachedGroupPolicies(caller, groupName: group.name, pathPrefix: nil, marker: nil, maxItems: 1000)
                        .items)
                    ?? []
                groupPolicies += (inline + attached.map(\.name)).map { "\($0) (from group \(group.name))" }
            }
            let pathName = URIEncodingForPath.encode(name)
            let model = UserModel(
                name: name, pathName: pathName, arn: user.principal.arn, created: Timestamp.iso8601(user.createdAt),
                hasPassword: hasPassword,
                keys: keys.map { key in
                    let lastUsed =
                        key.lastUsedAt.map {
                            "\(Timestamp.iso8601($0)) (\(key.lastUsedService ?? "?"), \(key.lastUsedRegion ?? "?"))"
                        } ?? "never"
                    return .init(
                        id: key.id, status: key.status.rawValue, created: Timestamp.iso8601(key.createdAt), lastUsed: lastUsed,
                        toggle: key.status == .active ? "deactivate-key" : "activate-key",
                        toggleLabel: key.status == .active ? "Deactivate" : "Activate", pathName: pathName)
                },
                policies: policies.map { .init(name: $0, pathPolicy: URIEncodingForPath.encode($0), pathName: pathName) },
                attached: attached.map(\.name), groups: groups.map(\.name), groupPolicies: groupPolicies,
                failures: failures.map {
                    .init(
                        time: Timestamp.iso8601($0.time), source: $0.sourceAddress, username: $0.username, diagnosis: $0.diagnosis.rawValue,
                        explanation: $0.explanation)
                },
                policyName: draft?.0 ?? "", policyDocument: draft?.1 ?? "", notice: notice, error: error)
            return page("user", title: name, model, signedIn: signedIn, status: status)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/users")
        }
    }

    func userAction(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let name = try context.parameters.require("name")
        let caller = signedIn.caller
        func done(_ notice: String) -> Response {
            redirect("/console/iam/users/\(URIEncodingForPath.encode(name))?notice=\(URIEncodingForPath.encode(notice))")
        }
        do {
            switch form["do"] ?? "" {
            case "create-key":
                let created = try await iam.createAccessKey(caller, userName: name)
                return page(
                    "key-created", title: "Access key",
                    KeyCreatedModel(name: name, pathName: URIEncodingForPath.encode(name), keyID: created.key.id, secret: created.secret),
                    signedIn: signedIn)
            case "activate-key", "deactivate-key":
                let key = form["key"] ?? ""
                let status = form["do"] == "activate-key" ? "Active" : "Inactive"
                try await iam.updateAccessKey(caller, userName: name, accessKeyID: key, status: status)
                return done("Access key \(key) is now \(status.lowercased()).")
            case "delete-key":
                let key = form["key"] ?? ""
                try await iam.deleteAccessKey(caller, userName: name, accessKeyID: key)
                return done("Access key \(key) was deleted; SMTP credentials made from it no longer work.")
            case "put-policy":
                let policyName = (form["policyName"] ?? "").trimmingSpaces
                let document = form["document"] ?? ""
                do {
                    try await iam.putUserPolicy(caller, userName: name, policyName: policyName, document: document)
                } catch let error as SesameError where error.code != .accessDenied {
                    // Show the validation error with the draft kept, so nothing typed is lost.
                    return try await userDetail(
                        name, signedIn: signedIn, error: error.message, draft: (policyName, document), status: .badRequest)
                }
                return done("Inline policy \(policyName) was saved.")
            case "delete-policy":
                let policyName = (form["policyName"] ?? "").trimmingSpaces
                try await iam.deleteUserPolicy(caller, userName: name, policyName: policyName)
                return done("Inline policy \(policyName) was deleted.")
            case "set-password":
                let password = form["password"] ?? ""
                do {
                    if (try? await iam.getLoginProfile(caller, userName: name)) != nil {
                        try await iam.updateLoginProfile(caller, userName: name, password: password, resetRequired: nil)
                    } else {
                        _ = try await iam.createLoginProfile(caller, userName: name, password: password, resetRequired: false)
                    }
                } catch let error as SesameError where error.code != .accessDenied {
                    return try await userDetail(name, signedIn: signedIn, error: error.message, status: .badRequest)
                }
                return done("The console password was set.")
            case "remove-password":
                try await iam.deleteLoginProfile(caller, userName: name)
                return done("The console password was removed.")
            default:
                return try await userDetail(name, signedIn: signedIn, error: "Unknown action.", status: .badRequest)
            }
        } catch let error as SesameError where error.code != .accessDenied {
            return try await userDetail(name, signedIn: signedIn, error: error.message, status: .badRequest)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/users/\(URIEncodingForPath.encode(name))")
        }
    }
}
