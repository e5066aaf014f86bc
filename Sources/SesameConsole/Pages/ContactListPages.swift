import Foundation
import Hummingbird
import SesameBackend
import SesameCore
import SesameHTTP

/// SES v2 contact lists per region: the list and its topics, its contacts and what each is
/// subscribed to; create a list, add and remove contacts, delete the list.
extension Console {
    func addContactListRoutes(to router: Router<SesameRequestContext>) {
        router.get("/console/contact-lists") { request, _ in
            try await self.contactLists(
                request, region: self.region(request), notice: request.uri.queryParameters["notice"].map(String.init))
        }
        router.post("/console/contact-lists") { request, context in try await self.contactListAction(request, context) }
    }

    func contactLists(_ request: Request, region: String, notice: String? = nil, error: String? = nil) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        do {
            var lists: [ContactListsModel.List] = []
            for list in try await ses.contactLists(signedIn.caller, region: region) {
                let listed = try await ses.listContacts(
                    signedIn.caller, region: region, list: list.name, status: nil, topic: nil, useDefault: true, nextToken: nil,
                    pageSize: 1000)
                lists.append(
                    .init(
                        name: list.name, description: list.description,
                        topics: list.topics.map {
                            "\($0.displayName) (\($0.name), default \($0.defaultStatus == "OPT_IN" ? "in" : "out"))"
                        },
                        contacts: listed.contacts.map { contact in
                            .init(
                                list: list.name, email: contact.email,
                                status: contact.unsubscribeAll
                                    ? "unsubscribed from everything"
                                    : list.topics.map { "\($0.name): \(contact.status(of: $0) == "OPT_IN" ? "in" : "out")" }.joined(
                                        separator: ", "))
                        }))
            }
            let model = ContactListsModel(
                picker: picker("/console/contact-lists", region: region), lists: lists, notice: notice, error: error)
            return page(
                "contact-lists", title: "Contact lists", model, signedIn: signedIn, region: region, status: error == nil ? .ok : .badRequest
            )
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
    }

    func contactListAction(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let region = form["region"].flatMap { settings.regions.contains($0) ? $0 : nil } ?? settings.regions[0]
        let list = (form["list"] ?? "").trimmingSpaces
        let email = (form["email"] ?? "").trimmingSpaces
        let caller = signedIn.caller
        func done(_ notice: String) -> Response {
            redirect("/console/contact-lists?region=\(region)&notice=\(URIEncodingForPath.encode(notice))")
        }
        do {
            let now = clock.now()
            switch form["do"] ?? "" {
            case "create-list":
                let topic = (form["topic"] ?? "").trimmingSpaces
                try await ses.createContactList(
                    caller, region: region,
                    list: ContactList(
                        region: region, name: list, description: nil,
                        topics: [.init(name: topic, displayName: topic, description: nil, defaultStatus: form["default"] ?? "OPT_IN")],
                        createdAt: now, updatedAt: now))
                return done("Contact list \(list) was created.")
            case "add-contact":
                try await ses.putContact(
                    caller, region: region, list: list,
                    contact: Contact(
                        email: email, preferences: [:], unsubscribeAll: false, attributes: nil, createdAt: now, updatedAt: now),
                    create: true)
                return done("\(email) was added to \(list).")
            case "remove-contact":
                try await ses.deleteContact(caller, region: region, list: list, email: email)
                return done("\(email) was removed from \(list).")
            case "delete-list":
                try await ses.deleteContactList(caller, region: region, name: list)
                return done("Contact list \(list) was deleted.")
            default:
                return try await contactLists(request, region: region, error: "Unknown action.")
            }
        } catch let error as SesameError where error.code != .accessDenied {
            return try await contactLists(request, region: region, error: error.message)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/contact-lists?region=\(region)")
        }
    }
}
