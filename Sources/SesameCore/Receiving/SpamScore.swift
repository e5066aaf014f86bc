/// Sesame's spam verdict for received mail. It is not a content filter: it adds up a handful of
/// points any receiver can check honestly and says FAIL at the operator's threshold
/// (`--inbound-spam-threshold`, default 5), GRAY at half of it, PASS below.
///
/// | finding | points |
/// | --- | --- |
/// | the GTUBE test string (the spam counterpart of EICAR) | 1000 |
/// | SPF `FAIL` / `SOFTFAIL` | 3 / 1 |
/// | a DKIM signature that fails and none that passes | 2 |
/// | DMARC `FAIL` | 3 |
/// | no `From`, no `Date`, no `Message-ID` header | 2, 1, 1 |
/// | a subject in capitals (8 letters or more) | 1 |
public struct SpamScore: Sendable, Equatable {
    public var points: Int
    public var reasons: [String]

    /// The Generic Test for Unsolicited Bulk Email: a message carrying it is spam to every filter.
    static let gtube = Array("XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X".utf8)

    /// `spf` is SPF's result word (`fail`, `softfail`, …); `dkim` and `dmarc` are SES's verdicts.
    public static func score(_ raw: [UInt8], spf: String, dkim: String, dmarc: String) -> SpamScore {
        var out = SpamScore(points: 0, reasons: [])
        func add(_ points: Int, _ reason: String) {
            out.points += points
            out.reasons.append(reason)
        }
        if contains(raw, gtube) { add(1000, "GTUBE test string") }
        if spf == "fail" { add(3, "SPF fail") }
        if spf == "softfail" { add(1, "SPF softfail") }
        if dkim == "FAIL" { add(2, "DKIM signature fails") }
        if dmarc == "FAIL" { add(3, "DMARC fail") }
        let headers = MIME.headers(of: raw)
        func has(_ name: String) -> Bool { headers.contains { $0.name.lowercased() == name } }
        if !has("from") { add(2, "no From header") }
        if !has("date") { add(1, "no Date header") }
        if !has("message-id") { add(1, "no Message-ID header") }
        if let subject = headers.first(where: { $0.name.lowercased() == "subject" })?.value {
            let letters = subject.filter(\.isLetter)
            if letters.count >= 8 && letters.allSatisfy(\.isUppercase) { add(1, "subject in capitals") }
        }
        return out
    }

    /// SES's `spamVerdict` status for this score.
    public func verdict(threshold: Int) -> String {
        if points >= threshold { return "FAIL" }
        if points * 2 >= threshold { return "GRAY" }
        return "PASS"
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first && haystack[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
