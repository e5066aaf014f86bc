import Crypto
public import Foundation

/// Where a DKIM verifier gets public keys (`SELECTOR._domainkey.DOMAIN` TXT records). A thrown
/// error is a temporary failure; a name that does not exist answers nothing.
public protocol DKIMKeyLookup: Sendable {
    func texts(_ name: String) async throws -> [String]
}

/// DKIM verification (RFC 6376) of every `DKIM-Signature` of a message: rsa-sha256 (and the old
/// rsa-sha1), simple and relaxed canonicalization, `l=`, `x=`, the `h=` list with its bottom-up
/// header selection. The RSA check itself is passed in (`verify(publicKeyDER, data, signature, sha256)`),
/// so this file knows no key formats; it must take 1024-bit keys, which DKIM still commonly uses
/// (`_RSA.Signing.PublicKey(unsafeDERRepresentation:)`).
public struct DKIMVerifier: Sendable {
    public enum Result: String, Sendable, Equatable { case pass, fail, neutral, temperror, permerror }

    public struct Outcome: Sendable, Equatable {
        public var domain: String
        public var selector: String
        public var result: Result
        public var reason: String
    }

    public typealias Verify = @Sendable (_ publicKeyDER: [UInt8], _ data: [UInt8], _ signature: [UInt8], _ sha256: Bool) -> Bool

    let lookup: any DKIMKeyLookup
    let verify: Verify

    public init(lookup: any DKIMKeyLookup, verify: @escaping Verify) {
        self.lookup = lookup
        self.verify = verify
    }

    /// Every signature's outcome, in header order (none for an unsigned message).
    public func verifyAll(_ raw: [UInt8], now: Date) async -> [Outcome] {
        let message = DKIM.normalizingLineEndings(raw)
        let (fields, body) = DKIM.split(message)
        var outcomes: [Outcome] = []
        for field in fields where DKIM.fieldName(field) == "dkim-signature" {
            outcomes.append(await verifyOne(field, fields: fields, body: body, now: now))
            if outcomes.count == 10 { break }  // enough: a message with more is not trying to be verified
        }
        return outcomes
    }

    /// SES's `dkimVerdict` status: PASS when any signature passes, FAIL when some failed, GRAY
    /// for an unsigned message, PROCESSING_FAILED when keys could not be read.
    public static func verdict(_ outcomes: [Outcome]) -> String {
        if outcomes.isEmpty { return "GRAY" }
        if outcomes.contains(where: { $0.result == .pass }) { return "PASS" }
        if outcomes.allSatisfy({ $0.result == .temperror }) { return "PROCESSING_FAILED" }
        return "FAIL"
    }

    /// A `name=value; name=value` tag list (DKIM signatures and key records, DMARC records):
    /// names lowercased, whitespace removed from values, the first of a repeated name kept.
    static func tags(_ value: String) -> [String: String] {
        var out: [String: String] = [:]
        for part in value.split(separator: ";") {
            guard let equals = part.firstIndex(of: "=") else { continue }
            let name = part[..<equals].trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            let tagValue = part[part.index(after: equals)...].filter { !$0.isWhitespace }
            if out[name] == nil { out[name] = String(tagValue) }
        }
        return out
    }

    func verifyOne(_ field: ArraySlice<UInt8>, fields: [ArraySlice<UInt8>], body: ArraySlice<UInt8>, now: Date) async -> Outcome {
        let text = String(decoding: field, as: UTF8.self)
        let value = text.firstIndex(of: ":").map { String(text[text.index(after: $0)...]) } ?? ""
        let tag = Self.tags(value)
        let domain = tag["d"]?.lowercased() ?? "", selector = tag["s"] ?? ""
        func outcome(_ result: Result, _ reason: String) -> Outcome {
            Outcome(domain: domain, selector: selector, result: result, reason: reason)
        }
        guard tag["v"] == "1", let algorithm = tag["a"]?.lowercased(), let signature = tag["b"].flatMap({ Data(base64Encoded: $0) }),
            let bodyHash = tag["bh"].flatMap({ Data(base64Encoded: $0) }), !domain.isEmpty, !selector.isEmpty,
            let signed = tag["h"]?.lowercased().split(separator: ":").map(String.init), signed.contains("from")
        else { return outcome(.permerror, "malformed DKIM-Signature") }
        guard algorithm == "rsa-sha256" || algorithm == "rsa-sha1" else { return outcome(.permerror, "unsupported algorithm \(algorithm)") }
        if let expires = tag["x"].flatMap(Double.init), expires < now.timeIntervalSince1970 { return outcome(.fail, "signature expired") }
        let canonical = (tag["c"] ?? "simple/simple").lowercased().split(separator: "/").map(String.init)
        let headerCanon = canonical.first ?? "simple", bodyCanon = canonical.count > 1 ? canonical[1] : "simple"
        guard ["simple", "relaxed"].contains(headerCanon), ["simple", "relaxed"].contains(bodyCanon) else {
            return outcome(.permerror, "unknown canonicalization")
        }
        let sha256 = algorithm == "rsa-sha256"
        // The body hash.
        var canonicalBody = bodyCanon == "relaxed" ? DKIM.relaxedBody(body) : Self.simpleBody(body)
        if let length = tag["l"].flatMap(Int.init) {
            guard length <= canonicalBody.count else { return outcome(.fail, "body shorter than l=") }
            canonicalBody = Array(canonicalBody.prefix(length))
        }
        let computed = sha256 ? Array(SHA256.hash(data: canonicalBody)) : Array(Insecure.SHA1.hash(data: canonicalBody))
        guard computed == Array(bodyHash) else { return outcome(.fail, "body hash did not verify") }
        // The signed header fields, each occurrence taken from the bottom up.
        var remaining: [String: [ArraySlice<UInt8>]] = [:]
        for candidate in fields { remaining[DKIM.fieldName(candidate), default: []].append(candidate) }
        var data: [UInt8] = []
        for name in signed {
            guard let picked = remaining[name]?.popLast() else { continue }
            data += (headerCanon == "relaxed" ? DKIM.relaxedHeader(picked) : Array(picked)) + [0x0D, 0x0A]
        }
        // The signature's own field, with b= emptied and no trailing CRLF.
        let own = Array(Self.withoutSignature(field))
        data += headerCanon == "relaxed" ? DKIM.relaxedHeader(own) : own
        // The key.
        let records: [String]
        do {
            records = try await lookup.texts("\(selector)._domainkey.\(domain)")
        } catch {
            return outcome(.temperror, "key lookup failed")
        }
        guard let record = records.first else { return outcome(.permerror, "no key for \(selector)._domainkey.\(domain)") }
        let key = Self.tags(record)
        guard key["k"].map({ $0.lowercased() == "rsa" }) ?? true else { return outcome(.permerror, "unsupported key type") }
        guard let encoded = key["p"], !encoded.isEmpty else { return outcome(.permerror, "key revoked") }
        guard let der = Data(base64Encoded: encoded) else { return outcome(.permerror, "malformed key") }
        return verify(Array(der), data, Array(signature), sha256)
            ? outcome(.pass, "signature verified") : outcome(.fail, "signature did not verify")
    }

    /// Simple body canonicalization: trailing empty lines removed, one CRLF at the end.
    static func simpleBody(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var bytes = Array(body)
        while bytes.count >= 4 && bytes.suffix(4) == [0x0D, 0x0A, 0x0D, 0x0A] { bytes.removeLast(2) }
        if bytes.isEmpty || bytes == [0x0D, 0x0A] { return [0x0D, 0x0A] }
        if bytes.suffix(2) != [0x0D, 0x0A] { bytes += [0x0D, 0x0A] }
        return bytes
    }

    /// The field with the value of its `b=` tag removed (other tags, and `bh=`, kept as they are).
    static func withoutSignature(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var out: [UInt8] = []
        var index = field.startIndex
        var previous: UInt8 = 0
        while index < field.endIndex {
            let byte = field[index]
            out.append(byte)
            // `b=` at the start of a tag (after `;` or `:` and optional whitespace), not `bh=`.
            if byte == 0x62 || byte == 0x42, index + 1 < field.endIndex, field[index + 1] == 0x3D, previous == 0x3B || previous == 0x3A {
                out.append(0x3D)
                index += 2
                while index < field.endIndex && field[index] != 0x3B { index += 1 }
                previous = 0x3D
                continue
            }
            // The last byte that is not whitespace or a line break.
            if !DKIM.isWSP(byte) && byte != 0x0D && byte != 0x0A { previous = byte }
            index += 1
        }
        return out[...]
    }
}
