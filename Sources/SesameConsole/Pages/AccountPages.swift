import Foundation
import Hummingbird
import SesameBackend
import SesameCore
import SesameHTTP

/// The signed-in user's password (ChangePassword, forced at sign-in when the user's login
/// profile says `PasswordResetRequired`) and the account's password policy.
extension Console {
    func addAccountRoutes(to router: Router<SesameRequestContext>) {
        router.get("/console/change-password") { request, _ in
            guard let signedIn = try await self.signedIn(request) else { return self.redirect("/console/signin") }
            return self.changePasswordPage(signedIn, notice: request.uri.queryParameters["notice"].map(String.init))
        }
        router.post("/console/change-password") { request, context in try await self.changePassword(request, context) }
        router.get("/console/iam/password-policy") { request, _ in
            guard let signedIn = try await self.signedIn(request) else { return self.redirect("/console/signin") }
            return await self.passwordPolicyPage(signedIn, notice: request.uri.queryParameters["notice"].map(String.init))
        }
        router.post("/console/iam/password-policy") { request, context in try await self.savePasswordPolicy(request, context) }
    }

    func changePasswordPage(
        _ signedIn: ConsoleSessions.SignedIn, notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) -> Response {
        page(
            "change-password", title: "Change password",
            ChangePasswordModel(
                required: signedIn.passwordResetRequired, isRoot: signedIn.caller.principal.isRoot, notice: notice, error: error),
            signedIn: signedIn, status: status)
    }

    func changePassword(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let new = form["newPassword"] ?? ""
        guard new == form["confirmPassword"] else {
            return changePasswordPage(signedIn, error: "The new passwords do not match.", status: .badRequest)
        }
        do {
            try await iam.changePassword(signedIn.caller, oldPassword: form["oldPassword"] ?? "", newPassword: new)
            return redirect("/console?notice=\(URIEncodingForPath.encode("Your password was changed."))")
        } catch let error as SesameError {
            return changePasswordPage(signedIn, error: error.message, status: .badRequest)
        }
    }

    func passwordPolicyPage(
        _ signedIn: ConsoleSessions.SignedIn, notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async -> Response {
        let found: PasswordPolicy?
        do {
            found = try await iam.getPasswordPolicy(signedIn.caller)
        } catch let error as SesameError where error.code == .noSuchEntity {
            found = nil
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
        let policy = found ?? PasswordPolicy(minimumPasswordLength: 8)
        return page(
            "password-policy", title: "Password policy",
            PasswordPolicyModel(
                exists: found != nil, minimumLength: String(policy.minimumPasswordLength),
                requireUppercase: policy.requireUppercaseCharacters,
                requireLowercase: policy.requireLowercaseCharacters, requireNumbers: policy.requireNumbers,
                requireSymbols: policy.requireSymbols,
                allowUsersToChange: policy.allowUsersToChangePassword, maxAge: policy.maxPasswordAge.map(String.init) ?? "", notice: notice,
                error: error), signedIn: signedIn, status: status)
    }

    func savePasswordPolicy(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        do {
            if form["do"] == "delete" {
                try await iam.deletePasswordPolicy(signedIn.caller)
                return redirect(
                    "/console/iam/password-policy?notice=\(URIEncodingForPath.encode("The password policy was removed; AWS's default rule applies."))"
                )
            }
            guard let length = Int(form["minimumLength"] ?? ""), (6...128).contains(length) else {
                return await passwordPolicyPage(signedIn, error: "The minimum length must be a number from 6 to 128.", status: .badRequest)
            }
            let maxAge = (form["maxAge"] ?? "").isEmpty ? nil : Int(form["maxAge"] ?? "")
            try await iam.updatePasswordPolicy(
                signedIn.caller,
                PasswordPolicy(
                    minimumPasswordLength: length, requireSymbols: form["requireSymbols"] == "on",
                    requireNumbers: form["requireNumbers"] == "on",
                    requireUppercaseCharacters: form["requireUppercase"] == "on",
                    requireLowercaseCharacters: form["requireLowercase"] == "on",
                    allowUsersToChangePassword: form["allowUsersToChange"] == "on", maxPasswordAge: maxAge))
            return redirect("/console/iam/password-policy?notice=\(URIEncodingForPath.encode("The password policy was saved."))")
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/iam/password-policy")
        }
    }
}

/// Sends an IAM user whose password must be reset (`PasswordResetRequired`) to the change
/// password page before any other console page, as AWS's console does at sign-in.
struct PasswordResetGate: RouterMiddleware {
    typealias Context = SesameRequestContext
    let console: Console
    static let open: Set<String> = ["/console/change-password", "/console/signin", "/console/signout"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/console"), !Self.open.contains(path), request.cookies[Console.cookieName] != nil,
            let signedIn = try await console.signedIn(request), signedIn.passwordResetRequired
        else {
            return try await next(request, context)
        }
        return console.redirect("/console/change-password")
    }
}
