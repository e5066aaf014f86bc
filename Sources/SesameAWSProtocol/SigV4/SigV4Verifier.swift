@preconcurrency public import Crypto
public import Foundation

/// AWS Signature Version 4, checked as AWS checks it: header and presigned-query forms,
/// payload hash, clock skew, credential scope, constant-time comparison.
public struct SigV4Verifier: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// AWS allows 15 minutes of difference between the client's clock and its own.
    public var allowedSkew: TimeInterval = 15 * 60

    public init() {}

    // MARK: Parsing

    /// Finds and parses the signature fields; does not need the secret.
    public func parse(_ request: SigV4HTTPRequest) throws(AWSError) -> ParsedSignature {
        if let authorization = request.header("authorization") {
            return try parseHeader(authorization, request)
        }
        let query = URIEncoding.parsePairs(Array(request.rawQuery.utf8), plusAsSpace: false)
        if query.contains(where: { $0.0 == "X-Amz-Algorithm" }) {
            return try parsePresigned(query)
        }
        throw .missingAuthenticationToken()
    }

    func parseHeader(_ authorization: String, _ request: SigV4HTTPRequest) throws(AWSError) -> ParsedSignature {
        // Byte-level parsing: this runs on every request.
        let bytes = Array(authorization.utf8)
        let algorithm = Array(Self.algorithm.utf8)
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 { start += 1 }
        guard bytes.count >= start + algorithm.count + 1, Array(bytes[start..<(start + algorithm.count)]) == algorithm,
            bytes[start + algorithm.count] == 0x20
        else {
            let word = bytes[start...].split(separator: 0x20).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
            throw .incompleteSignature("Unsupported AWS 'algorithm': '\(word)'.")
        }
        var credential: String?, signedHeaders: String?, signature: String?
        var i = start + algorithm.count + 1
        while i < bytes.count {
            // One `name=value` item, up to the next comma.
            var end = i
            while end < bytes.count, bytes[end] != 0x2C { end += 1 }
            var lo = i, hi = end
            while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0x09 { lo += 1 }
            while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
            var eq = lo
            while eq < hi, bytes[eq] != 0x3D { eq += 1 }
            if eq < hi {
                let value = String(decoding: bytes[(eq + 1)..<hi], as: UTF8.self)
                switch eq - lo {
                case 10 where bytes[lo] == 0x43: credential = value  // Credential
                case 13 where bytes[lo] == 0x53: signedHeaders = value  // SignedHeaders
                case 9 where bytes[lo] == 0x53: signature = value  // Signature
                default: break
                }
            }
            i = end + 1
        }
        var missing: [String] = []
        if credential == nil { missing.append("Authorization header requires 'Credential' parameter.") }
        if signature == nil { missing.append("Authorization header requires 'Signature' parameter.") }
        if signedHeaders == nil { missing.append("Authorization header requires 'SignedHeaders' parameter.") }
        let amzDate = request.header("x-amz-date") ?? request.header("date").flatMap(Self.amzDate(fromHTTPDate:))
        if amzDate == nil {
            missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        if !missing.isEmpty {
            throw .incompleteSignature(missing.joined(separator: " ") + " Authorization=\(authorization)")
        }
        let scope = try parseCredential(credential!)
        return ParsedSignature(
            form: .authorizationHeader, scope: scope,
            signedHeaders: Self.splitASCII(signedHeaders!, 0x3B, lowercase: true),
            signature: signature!, amzDate: amzDate!, expires: nil,
            securityToken: request.header("x-amz-security-token"))
    }

    /// Splits on one ASCII byte, keeping empty parts; optionally lowercases ASCII letters.
    /// A plain loop: the generic `split` is measurably slow on this hot path.
    static func splitASCII(_ text: String, _ separator: UInt8, lowercase: Bool) -> [String] {
        var parts: [String] = []
        var current: [UInt8] = []
        current.reserveCapacity(32)
        for var c in text.utf8 {
            if c == separator {
                parts.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            } else {
                if lowercase && c >= 0x41 && c <= 0x5A { c += 0x20 }
                current.append(c)
            }
        }
        parts.append(String(decoding: current, as: UTF8.self))
        return parts
    }

    func parsePresigned(_ query: [(String, String)]) throws(AWSError) -> ParsedSignature {
        func value(_ name: String) -> String? { query.first { $0.0 == name }?.1 }
        guard value("X-Amz-Algorithm") == Self.algorithm else {
            throw .incompleteSignature("X-Amz-Algorithm only supports \"\(Self.algorithm)\"")
        }
        for name in ["X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"] where value(name) == nil {
            throw .incompleteSignature("AWS query-string parameters must include '\(name)'. Re-examine the query-string parameters.")
        }
        var expires: Int?
        if let text = value("X-Amz-Expires") {
            guard let seconds = Int(text), seconds >= 0 else {
                throw .incompleteSignature("X-Amz-Expires should be a number")
            }
            guard seconds <= 604_800 else {
                throw .incompleteSignature("X-Amz-Expires must be less than a week (in seconds) that is 604800")
            }
            expires = seconds
        }
        let scope = try parseCredential(value("X-Amz-Credential")!)
        return ParsedSignature(
            form: .presignedQuery, scope: scope,
            signedHeaders: value("X-Amz-SignedHeaders")!.split(separator: ";").map { $0.lowercased() },
            signature: value("X-Amz-Signature")!, amzDate: value("X-Amz-Date")!, expires: expires,
            securityToken: value("X-Amz-Security-Token"))
    }

    func parseCredential(_ credential: String) throws(AWSError) -> CredentialScope {
        let parts = Self.splitASCII(credential, 0x2F, lowercase: false)
        guard parts.count == 5, !parts[0].isEmpty else {
            throw .incompleteSignature("Credential should be scoped to a valid region. Credential=\(credential)")
        }
        guard parts[4] == "aws4_request" else {
            throw .signatureDoesNotMatch("Credential should be scoped with a valid terminator: 'aws4_request', not '\(parts[4])'.")
        }
        return CredentialScope(accessKeyID: parts[0], date: parts[1], region: parts[2], service: parts[3])
    }

    // MARK: Time

    /// Checks the request date against `now`: skew for header-signed requests, expiry for presigned ones.
    public func checkTime(_ parsed: ParsedSignature, now: Date) throws(AWSError) {
        guard let date = Self.parseAmzDate(parsed.amzDate) else {
            throw .incompleteSignature(
                "Date must be in ISO-8601 'basic format'. Got '\(parsed.amzDate)'. See http://en.wikipedia.org/wiki/ISO_8601")
        }
        if !parsed.amzDate.hasPrefix(parsed.scope.date) {
            throw .signatureDoesNotMatch(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(parsed.scope.date)' != '\(parsed.amzDate.prefix(8))', from '\(parsed.amzDate)'."
            )
        }
        switch parsed.form {
        case .authorizationHeader:
            if date < now.addingTimeInterval(-allowedSkew) {
                throw .signatureDoesNotMatch(
                    "Signature expired: \(parsed.amzDate) is now earlier than \(Self.formatAmzDate(now.addingTimeInterval(-allowedSkew))) (\(Self.formatAmzDate(now)) - 15 min.)"
                )
            }
            if date > now.addingTimeInterval(allowedSkew) {
                throw .signatureDoesNotMatch(
                    "Signature not yet current: \(parsed.amzDate) is still later than \(Self.formatAmzDate(now.addingTimeInterval(allowedSkew))) (\(Self.formatAmzDate(now)) + 15 min.)"
                )
            }
        case .presignedQuery:
            if date > now.addingTimeInterval(allowedSkew) {
                throw .signatureDoesNotMatch(
                    "Signature not yet current: \(parsed.amzDate) is still later than \(Self.formatAmzDate(now.addingTimeInterval(allowedSkew))) (\(Self.formatAmzDate(now)) + 15 min.)"
                )
            }
            let lifetime = TimeInterval(parsed.expires ?? 900)
            if date.addingTimeInterval(lifetime) < now {
                throw .requestExpired(
                    "Request has expired. X-Amz-Date \(parsed.amzDate) plus X-Amz-Expires \(Int(lifetime)) seconds is earlier than \(Self.formatAmzDate(now))."
                )
            }
        }
    }

    // MARK: Signature

    /// The canonical request, exactly as the client should have built it.
    public func canonicalRequest(_ parsed: ParsedSignature, _ request: SigV4HTTPRequest) -> String {
        var canonical = request.method.uppercased()
        canonical += "\n"
        canonical += Self.canonicalURI(request.rawPath)
        canonical += "\n"
        canonical += Self.canonicalQuery(request.rawQuery, excludeSignature: parsed.form == .presignedQuery)
        canonical += "\n"
        for name in parsed.signedHeaders {
            canonical += name
            canonical += ":"
            var first = true
            for header in request.headers where SigV4HTTPRequest.equalsIgnoringASCIICase(header.name, name) {
                if !first { canonical += "," }
                canonical += Self.trimHeaderValue(header.value)
                first = false
            }
            canonical += "\n"
        }
        canonical += "\n"
        canonical += parsed.signedHeaders.joined(separator: ";")
        canonical += "\n"
        canonical += payloadHash(parsed, request)
        return canonical
    }

    func payloadHash(_ parsed: ParsedSignature, _ request: SigV4HTTPRequest) -> String {
        // Presigned URLs may declare an unsigned payload; header-signed requests to these services may not.
        if let declared = request.header("x-amz-content-sha256"), declared == "UNSIGNED-PAYLOAD", parsed.form == .presignedQuery {
            return declared
        }
        return request.payloadHash
    }

    public func stringToSign(_ parsed: ParsedSignature, canonicalRequest: String) -> String {
        "\(Self.algorithm)\n\(parsed.amzDate)\n\(parsed.scope.scopeString)\n\(Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8))))"
    }

    /// `kSigning` for a secret and scope; callers may cache it for the day.
    public static func signingKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        func mac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key))
        }
        var key = mac(SymmetricKey(data: Array(("AWS4" + secret).utf8)), date)
        key = mac(key, region)
        key = mac(key, service)
        return mac(key, "aws4_request")
    }

    public func expectedSignature(_ parsed: ParsedSignature, _ request: SigV4HTTPRequest, signingKey: SymmetricKey) -> String {
        let toSign = stringToSign(parsed, canonicalRequest: canonicalRequest(parsed, request))
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Array(toSign.utf8), using: signingKey))
    }

    /// Recomputes the signature and compares it in constant time.
    public func verifySignature(_ parsed: ParsedSignature, _ request: SigV4HTTPRequest, signingKey: SymmetricKey) throws(AWSError) {
        guard parsed.signedHeaders.contains("host") else {
            throw .incompleteSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        }
        let expected = expectedSignature(parsed, request, signingKey: signingKey)
        let a = Array(expected.utf8), b = Array(parsed.signature.lowercased().utf8)
        var difference: UInt8 = a.count == b.count ? 0 : 1
        for i in 0..<min(a.count, b.count) { difference |= a[i] ^ b[i] }
        if difference != 0 { throw .signatureDoesNotMatch() }
    }

    // MARK: Canonical pieces

    /// Non-S3 services sign the path as sent, encoded once more (`%40` → `%2540`).
    public static func canonicalURI(_ rawPath: String) -> String {
        if rawPath.isEmpty { return "/" }
        return URIEncoding.encode(rawPath, keepSlash: true)
    }

    public static func canonicalQuery(_ rawQuery: String, excludeSignature: Bool) -> String {
        if rawQuery.isEmpty { return "" }
        var pairs: [(String, String)] = []
        for (key, value) in URIEncoding.parsePairs(Array(rawQuery.utf8), plusAsSpace: false) {
            if excludeSignature && key == "X-Amz-Signature" { continue }
            pairs.append((URIEncoding.encode(key), URIEncoding.encode(value)))
        }
        pairs.sort { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Trims the value and folds runs of spaces and tabs into one space, as SigV4 requires.
    static func trimHeaderValue(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for c in value.utf8 {
            if c == 0x20 || c == 0x09 {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func sha256Hex(_ bytes: some DataProtocol) -> String { hex(SHA256.hash(data: bytes)) }

    // MARK: Dates

    /// Parses `20150830T123600Z`.
    public static func parseAmzDate(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func n(_ from: Int, _ len: Int) -> Int? {
            var v = 0
            for i in from..<(from + len) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let y = n(0, 4), let mo = n(4, 2), let d = n(6, 2), let h = n(9, 2), let mi = n(11, 2), let s = n(13, 2),
            (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(y - 1900)
        parts.tm_mon = Int32(mo - 1)
        parts.tm_mday = Int32(d)
        parts.tm_hour = Int32(h)
        parts.tm_min = Int32(mi)
        parts.tm_sec = Int32(s)
        return Date(timeIntervalSince1970: Double(timegm(&parts)))
    }

    public static func formatAmzDate(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Converts an RFC 7231 `Date` header (`Sun, 30 Aug 2015 12:36:00 GMT`) to the basic ISO form.
    static func amzDate(fromHTTPDate text: String) -> String? {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = text.split(separator: " ")
        guard parts.count == 6, let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":")
        guard time.count == 3, let h = Int(time[0]), let m = Int(time[1]), let s = Int(time[2]) else { return nil }
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", year, month + 1, day, h, m, s)
    }
}

/// Signs requests as an AWS SDK does; used by tests and the load generator.
public struct SigV4Signer: Sendable {
    public var accessKeyID: String
    public var secret: String
    public var region: String
    public var service: String

    public init(accessKeyID: String, secret: String, region: String, service: String) {
        self.accessKeyID = accessKeyID
        self.secret = secret
        self.region = region
        self.service = service
    }

    /// Returns the headers to add (`X-Amz-Date`, `Authorization`) for a request with the given headers.
    public func sign(
        method: String, rawPath: String, rawQuery: String, headers: [(name: String, value: String)],
        body: [UInt8], date: Date
    ) -> [(name: String, value: String)] {
        let amzDate = SigV4Verifier.formatAmzDate(date)
        var all = headers
        all.append((name: "X-Amz-Date", value: amzDate))
        let signed = Array(Set(all.map { $0.name.lowercased() })).sorted()
        let parsed = ParsedSignature(
            form: .authorizationHeader,
            scope: CredentialScope(accessKeyID: accessKeyID, date: String(amzDate.prefix(8)), region: region, service: service),
            signedHeaders: signed, signature: "", amzDate: amzDate, expires: nil, securityToken: nil)
        let request = SigV4HTTPRequest(
            method: method, rawPath: rawPath, rawQuery: rawQuery, headers: all, payloadHash: SigV4Verifier.sha256Hex(body))
        let key = SigV4Verifier.signingKey(secret: secret, date: parsed.scope.date, region: region, service: service)
        let signature = SigV4Verifier().expectedSignature(parsed, request, signingKey: key)
        return [
            (name: "X-Amz-Date", value: amzDate),
            (
                name: "Authorization",
                value:
                    "\(SigV4Verifier.algorithm) Credential=\(accessKeyID)/\(parsed.scope.scopeString), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)"
            ),
        ]
    }
}
