import Foundation
public import Hummingbird
import SesameBackend
import SesameCore
public import SesameHTTP

extension Console {
    /// Registers every console page under `/console`.
    public func addRoutes(to router: Router<SesameRequestContext>) {
        router.add(middleware: ConsoleSecurityHeaders())
        // First: Hummingbird applies a router middleware to the routes added after it.
        router.add(middleware: PasswordResetGate(console: self))
        router.get("/console") { request, context in try await self.home(request, context) }
        router.get("/console/signin") { request, _ in await self.signInForm(request) }
        router.post("/console/signin") { request, context in try await self.signIn(request, context) }
        router.post("/console/signout") { request, context in try await self.signOut(request, context) }
        router.get("/console/smtp") { request, context in try await self.smtpSettings(request, context) }
        router.get("/console/smtp/create") { request, context in try await self.smtpCreateForm(request, context) }
        router.post("/console/smtp/create") { request, context in try await self.smtpCreate(request, context) }
        router.post("/console/smtp/credentials.csv") { request, context in try await self.smtpCSV(request, context) }
        router.get("/console/iam/users") { request, context in try await self.users(request, context) }
        router.get("/console/iam/users/:name/delete") { request, context in try await self.userDeleteForm(request, context) }
        router.post("/console/iam/users/:name/delete") { request, context in try await self.userDelete(request, context) }
        addUserRoutes(to: router)
        addGroupRoutes(to: router)
        addRoleRoutes(to: router)
        addPolicyRoutes(to: router)
        addAccountRoutes(to: router)
        addSESRoutes(to: router)
        addDeliveryRoutes(to: router)
        addConfigurationSetRoutes(to: router)
        addContactListRoutes(to: router)
        addMessagingRoutes(to: router)
        addReceivingRoutes(to: router)
    }

    /// The form of a POST, after checking its CSRF token against the session's.
    func checkedForm(
        _ request: Request, _ context: SesameRequestContext, _ signedIn: ConsoleSessions.SignedIn
    ) async throws -> [String: String]? {
        let form = try await Self.form(request, context: context)
        guard let token = form["csrf"], constantTimeEquals(Array(token.utf8), Array(signedIn.csrf.utf8)) else { return nil }
        return form
    }

    func csrfRefused(_ signedIn: ConsoleSessions.SignedIn?) -> Response {
        page(
            "error", title: "Error",
            ErrorModel(
                heading: "Form expired", message: "The form's security token did not match this session. Reload the page and try again.",
                back: "/console"),
            signedIn: signedIn, status: .forbidden)
    }

    func home(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        return page(
            "home", title: "Home", HomeModel(regions: settings.regions, notice: request.uri.queryParameters["notice"].map(String.init)),
            signedIn: signedIn, region: region(request))
    }

    /// The sign-in form, with a token that the form's post must bring back in a field and in a
    /// cookie (double submit): another site cannot sign a browser in to an account of its choosing.
    func signInForm(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok) async -> Response {
        let token = ConsoleSessions.randomToken()
        let alias = try? await iam.publicAccountAlias()
        var response = page(
            "signin", title: "Sign in", SignInModel(signinCSRF: token, error: error, alias: alias), signedIn: nil, status: status)
        response.headers[.setCookie] = "\(Self.signInCookieName)=\(token); Path=/console/signin; HttpOnly; SameSite=Strict"
        return response
    }

    func signIn(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        let form = try await Self.form(request, context: context)
        guard let field = form["signin_csrf"], let cookie = request.cookies[Self.signInCookieName]?.value, !cookie.isEmpty,
            constantTimeEquals(Array(field.utf8), Array(cookie.utf8))
        else {
            return await signInForm(request, error: "The sign-in form expired. Sign in again.", status: .forbidden)
        }
        let source = context.clientAddress ?? "unknown"
        let result: (token: String, ConsoleSessions.SignedIn)?
        do {
            if form["kind"] == "iam" {
                result = try await sessions.signInUser(
                    accountID: form["account"] ?? "", userName: form["user"] ?? "", password: form["password"] ?? "", source: source)
            } else {
                result = try await sessions.signInRoot(email: form["email"] ?? "", password: form["password"] ?? "", source: source)
            }
        } catch let error as SesameError where error.code == .throttling {
            return await signInForm(request, error: error.message, status: .tooManyRequests)
        }
        guard let (token, _) = result else {
            // One message for every mistake: it does not tell which part was wrong.
            return await signInForm(
                request, error: "Your authentication information is incorrect. Please try again.", status: .unauthorized)
        }
        return redirect("/console", cookie: sessionCookie(token, maxAge: Int(sessions.absoluteTimeout), request: request))
    }

    func signOut(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard try await checkedForm(request, context, signedIn) != nil else { return csrfRefused(signedIn) }
        try await sessions.signOut(tokenHash: signedIn.tokenHash)
        return redirect("/console/signin", cookie: sessionCookie("", maxAge: 0, request: request))
    }

    func smtpSettings(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        let region = region(request)
        return page(
            "smtp", title: "SMTP settings",
            SMTPSettingsModel(
                hostname: settings.hostname, regions: settings.regions,
                regionChoices: settings.regions.map { RegionChoice(name: $0, selected: $0 == region) },
                starttlsPorts: settings.startTLSPorts.map(String.init).joined(separator: ", "),
                tlsPorts: settings.tlsPorts.map(String.init).joined(separator: ", ")), signedIn: signedIn, region: region)
    }

    /// The actions creating SMTP credentials needs, in the order SES's documentation names them.
    static let smtpActions = ["iam:ListUsers", "iam:CreateUser", "iam:CreateAccessKey", "iam:PutUserPolicy"]

    /// Checks every permission the wizard needs before anything is created, so nothing is made halfway.
    func checkSMTPPermissions(_ caller: Caller, userName: String, replacing: String?) throws {
        let account = caller.accountID
        let userARN = ARN.user(account: account, path: "/", name: userName)
        for action in Self.smtpActions {
            let resource = action == "iam:ListUsers" ? ARN.userPrefix(account: account) : userARN
            try Authorizer.authorize(caller, action: action, resource: resource)
        }
        if let replacing {
            try Authorizer.authorize(caller, action: "iam:DeleteUser", resource: ARN.user(account: account, path: "/", name: replacing))
        }
    }

    func smtpCreateForm(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        let proposed = proposedUserName()
        let replacing = request.uri.queryParameters["replace"].map(String.init)
        do {
            // The SES console checks at once, before showing the form.
            try checkSMTPPermissions(signedIn.caller, userName: proposed, replacing: replacing)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/smtp")
        }
        return page(
            "smtp-create", title: "Create SMTP credentials", SMTPCreateModel(proposedName: proposed, replacing: replacing),
            signedIn: signedIn,
            region: region(request))
    }

    func smtpCreate(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let region = form["region"].flatMap { settings.regions.contains($0) ? $0 : nil } ?? settings.regions[0]
        let userName = (form["userName"] ?? "").trimmingSpaces
        let replacing = form["replace"].flatMap { $0.isEmpty ? nil : $0 }
        let caller = signedIn.caller
        do {
            try checkSMTPPermissions(caller, userName: userName, replacing: replacing)
            try IAMValidation.userName(userName)
            let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendRawEmail","Resource":"*"}]}"#
            _ = try await iam.createUser(caller, name: userName, path: nil, tags: [])
            let created: IAMBackend.CreatedAccessKey
            do {
                try await iam.putUserPolicy(caller, userName: userName, policyName: "AmazonSesSendingAccess", document: policy)
                created = try await iam.createAccessKey(caller, userName: userName)
            } catch {
                // Undo: no half-made SMTP user is left behind.
                try? await iam.deleteUserAndOwnedResources(caller, name: userName)
                throw error
            }
            if let replacing { try await iam.deleteUserAndOwnedResources(caller, name: replacing) }
            return page(
                "smtp-created", title: "SMTP credentials",
                SMTPCreatedModel(
                    userName: userName, smtpUsername: created.key.id, hostname: settings.hostname,
                    smtpPassword: SMTPPassword.derive(secret: created.secret, region: region, version: .v4)), signedIn: signedIn,
                region: region)
        } catch {
            if (error as? SesameError)?.code == .accessDenied { return errorPage(error, signedIn: signedIn, back: "/console/smtp") }
            let model = SMTPCreateModel(proposedName: userName, replacing: replacing, error: (error as? SesameError)?.message ?? "\(error)")
            return page("smtp-create", title: "Create SMTP credentials", model, signedIn: signedIn, region: region, status: .badRequest)
        }
    }

    /// `credentials.csv` in the SES console's classic format. The password comes back from the
    /// page that showed it: Sesame keeps no copy of it anywhere.
    func smtpCSV(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let csv =
            "IAM User Name,Smtp Username,Smtp Password\r\n"
            + "\(quoted(form["userName"] ?? "")),\(form["smtpUsername"] ?? ""),\(form["smtpPassword"] ?? "")\r\n"
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"credentials.csv\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    func users(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        do {
            var all: [IAMUser] = []
            var marker: String?
            repeat {
                let page = try await iam.listUsers(signedIn.caller, pathPrefix: nil, marker: marker, maxItems: 1000)
                all += page.items
                marker = page.isTruncated ? page.marker : nil
            } while marker != nil
            let model = UsersModel(
                users: all.map {
                    .init(
                        name: $0.name, pathName: URIEncodingForPath.encode($0.name), arn: $0.arn, created: Timestamp.iso8601($0.createdAt))
                },
                notice: request.uri.queryParameters["deleted"].map { "IAM user \($0) was deleted, with its SMTP credentials." })
            return page("users", title: "IAM users", model, signedIn: signedIn)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
    }

    func userDeleteForm(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        let name = try context.parameters.require("name")
        let caller = signedIn.caller
        do {
            let owned = try await holdings(of: name, caller: caller)
            return page(
                "user-delete", title: "Delete \(name)",
                UserDeleteModel(
                    name: name, pathName: URIEncodingForPath.encode(name), keys: owned.keys.map(\.id), policies: owned.policies,
                    attached: owned.attached.map(\.name), hasPassword: owned.hasPassword,
                    nothing: owned.keys.isEmpty && owned.policies.isEmpty && owned.attached.isEmpty && !owned.hasPassword),
                signedIn: signedIn)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/users")
        }
    }

    func userDelete(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let name = try context.parameters.require("name")
        guard form["confirm"] == name else {
            return page(
                "error", title: "Error",
                ErrorModel(
                    heading: "Not deleted", message: "Type the user name exactly to confirm the deletion.",
                    back: "/console/iam/users/\(URIEncodingForPath.encode(name))/delete"), signedIn: signedIn, status: .badRequest)
        }
        do {
            try await iam.deleteUserAndOwnedResources(signedIn.caller, name: name)
            return redirect("/console/iam/users?deleted=\(URIEncodingForPath.encode(name))")
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/users")
        }
    }
}

/// Percent-encoding for a user name placed in a URL path or query.
enum URIEncodingForPath {
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}
