public import Foundation

/// The DNS answers SPF needs; the receiving pipeline passes Sesame's resolver, tests a table.
/// A thrown error is a temporary DNS failure; a name that does not exist answers nothing.
public protocol SPFLookup: Sendable {
    func texts(_ name: String) async throws -> [String]
    /// IPv4 and IPv6 addresses of a host.
    func addresses(_ host: String) async throws -> [String]
    /// Mail exchanger host names (no implicit MX).
    func mailExchangers(_ domain: String) async throws -> [String]
}

/// SPF (RFC 7208) for a client address and a domain: `ip4`, `ip6`, `a`, `mx` (with CIDR lengths),
/// `include`, `exists`, `all`, the `redirect` modifier, the four qualifiers, and the limits of
/// 10 DNS-querying terms and 2 void lookups. Macros are expanded for `%{s}`, `%{l}`, `%{o}`,
/// `%{d}`, `%{i}` and `%{h}`; `ptr` never matches (RFC 7208 says not to use it).
public struct SPFEvaluator: Sendable {
    public enum Result: String, Sendable, Equatable { case pass, fail, softfail, neutral, none, permerror, temperror }

    let lookup: any SPFLookup
    var lookups = 0
    var voids = 0

    public init(lookup: any SPFLookup) { self.lookup = lookup }

    /// `check_host()` for the envelope sender's domain (or the HELO name when the sender is `<>`).
    public static func check(ip: String, domain: String, sender: String, helo: String, lookup: any SPFLookup) async -> Result {
        var evaluator = SPFEvaluator(lookup: lookup)
        return await evaluator.checkHost(ip: ip, domain: domain.lowercased(), sender: sender, helo: helo)
    }

    mutating func checkHost(ip: String, domain: String, sender: String, helo: String) async -> Result {
        guard IPAddressBytes(ip) != nil, !domain.isEmpty, domain.count <= 253 else { return .none }
        let records: [String]
        do {
            records = try await lookup.texts(domain).filter { $0.lowercased() == "v=spf1" || $0.lowercased().hasPrefix("v=spf1 ") }
        } catch {
            return .temperror
        }
        guard records.count == 1 else { return records.isEmpty ? .none : .permerror }
        let terms = records[0].split(separator: " ", omittingEmptySubsequences: true).dropFirst().map(String.init)
        var redirect: String?
        for term in terms {
            if let equals = term.firstIndex(of: "="), !term[..<equals].contains(":") {
                let name = term[..<equals].lowercased()
                if name == "redirect" {
                    guard redirect == nil else { return .permerror }
                    redirect = String(term[term.index(after: equals)...])
                }
                continue  // exp= and unknown modifiers
            }
            var qualifier: Result = .pass
            var mechanism = Substring(term)
            if let first = mechanism.first, "+-~?".contains(first) {
                qualifier = ["+": .pass, "-": .fail, "~": .softfail, "?": .neutral][first]!
                mechanism = mechanism.dropFirst()
            }
            switch await matches(String(mechanism), ip: ip, domain: domain, sender: sender, helo: helo) {
            case .some(true): return qualifier
            case .some(false): continue
            case .none: return errorResult
            }
        }
        if let redirect {
            guard countLookup() else { return .permerror }
            let target = expand(redirect, domain: domain, sender: sender, ip: ip, helo: helo).lowercased()
            let result = await checkHost(ip: ip, domain: target, sender: sender, helo: helo)
            return result == .none ? .permerror : result
        }
        return .neutral
    }

    /// Set when a mechanism could not be evaluated.
    var errorResult: Result = .permerror

    mutating func countLookup() -> Bool {
        lookups += 1
        return lookups <= 10
    }

    /// True or false for a match; nil for an error (in `errorResult`).
    mutating func matches(_ mechanism: String, ip: String, domain: String, sender: String, helo: String) async -> Bool? {
        let lower = mechanism.lowercased()
        let (name, argument) =
            lower.firstIndex(where: { $0 == ":" || $0 == "/" }).map {
                (String(lower[..<$0]), String(mechanism[$0...]))
            } ?? (lower, "")
        guard let client = IPAddressBytes(ip) else { return false }
        switch name {
        case "all": return argument.isEmpty ? true : fail(.permerror)
        case "ip4", "ip6":
            guard argument.hasPrefix(":"), let block = CIDR(String(argument.dropFirst())) else { return fail(.permerror) }
            return block.contains(client)
        case "a", "mx":
            guard countLookup() else { return fail(.permerror) }
            let (target, v4, v6) = targetAndLengths(argument, domain: domain, sender: sender, ip: ip, helo: helo)
            guard let v4, let v6 else { return fail(.permerror) }
            do {
                var hosts = [target]
                if name == "mx" {
                    hosts = try await lookup.mailExchangers(target)
                    if hosts.isEmpty { voids += 1 }
                    guard hosts.count <= 10 else { return fail(.permerror) }
                }
                for host in hosts {
                    let addresses = try await lookup.addresses(host)
                    if addresses.isEmpty && name == "a" { voids += 1 }
                    for address in addresses {
                        let length = address.contains(":") ? v6 : v4
                        if let block = CIDR("\(address)/\(length)"), block.contains(client) { return true }
                    }
                }
                return voids > 2 ? fail(.permerror) : false
            } catch {
                return fail(.temperror)
            }
        case "include":
            guard countLookup(), argument.hasPrefix(":") else { return fail(.permerror) }
            let target = expand(String(argument.dropFirst()), domain: domain, sender: sender, ip: ip, helo: helo).lowercased()
            switch await checkHost(ip: ip, domain: target, sender: sender, helo: helo) {
            case .pass: return true
            case .fail, .softfail, .neutral: return false
            case .temperror: return fail(.temperror)
            case .permerror, .none: return fail(.permerror)
            }
        case "exists":
            guard countLookup(), argument.hasPrefix(":") else { return fail(.permerror) }
            let target = expand(String(argument.dropFirst()), domain: domain, sender: sender, ip: ip, helo: helo).lowercased()
            do {
                let found = try await lookup.addresses(target)
                if found.isEmpty { voids += 1 }
                return voids > 2 ? fail(.permerror) : !found.isEmpty
            } catch {
                return fail(.temperror)
            }
        case "ptr":
            guard countLookup() else { return fail(.permerror) }
            return false
        default:
            return fail(.permerror)
        }
    }

    mutating func fail(_ result: Result) -> Bool? {
        errorResult = result
        return nil
    }

    /// `:domain/4len//6len` after `a` or `mx`: the target and the CIDR lengths (nil when malformed).
    func targetAndLengths(_ argument: String, domain: String, sender: String, ip: String, helo: String) -> (String, Int?, Int?) {
        var rest = Substring(argument)
        var target = domain
        if rest.hasPrefix(":") {
            rest = rest.dropFirst()
            let end = rest.firstIndex(of: "/") ?? rest.endIndex
            target = expand(String(rest[..<end]), domain: domain, sender: sender, ip: ip, helo: helo).lowercased()
            rest = rest[end...]
        }
        var v4: Int? = 32, v6: Int? = 128
        if !rest.isEmpty {
            let parts = rest.components(separatedBy: "//")
            if parts[0].hasPrefix("/") { v4 = Int(parts[0].dropFirst()).flatMap { (0...32).contains($0) ? $0 : nil } }
            if parts.count > 1 { v6 = Int(parts[1]).flatMap { (0...128).contains($0) ? $0 : nil } }
            if parts[0].isEmpty && parts.count == 1 { v4 = nil }
        }
        return (target, v4, v6)
    }

    /// The macros SPF records use in practice; unknown ones are left as they are.
    func expand(_ text: String, domain: String, sender: String, ip: String, helo: String) -> String {
        guard text.contains("%") else { return text }
        let local = sender.split(separator: "@").first.map(String.init) ?? "postmaster"
        let senderDomain = sender.split(separator: "@").last.map(String.init) ?? domain
        let values: [Character: String] = ["s": sender, "l": local, "o": senderDomain, "d": domain, "i": ip, "h": helo]
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "%", let next = text.index(index, offsetBy: 1, limitedBy: text.endIndex), next < text.endIndex {
                switch text[next] {
                case "%": out.append("%")
                case "_": out.append(" ")
                case "-": out.append("%20")
                case "{":
                    if let close = text[next...].firstIndex(of: "}"), let letter = text[text.index(after: next)..<close].first,
                        let value = values[Character(letter.lowercased())]
                    {
                        out += value
                        index = text.index(after: close)
                        continue
                    }
                    out.append("%")
                    index = next
                    continue
                default: out.append("%")
                }
                index = text.index(after: next)
                continue
            }
            out.append(character)
            index = text.index(after: index)
        }
        return out
    }

    /// SES's `spfVerdict` status for a result.
    public static func verdict(_ result: Result) -> String {
        switch result {
        case .pass: "PASS"
        case .fail: "FAIL"
        case .softfail, .neutral, .none: "GRAY"
        case .permerror, .temperror: "PROCESSING_FAILED"
        }
    }
}
