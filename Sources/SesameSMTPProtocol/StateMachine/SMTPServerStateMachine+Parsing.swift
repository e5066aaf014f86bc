import Foundation
import SesameCore

/// Reading command arguments: paths with their parameters, and AUTH's base64.
extension SMTPServerStateMachine {
    /// `FROM:<a@b> PARAM=V …` → ("a@b", ["PARAM=V"]): `keyword` (upper case, as `FROM:`) in any
    /// case, spaces, then `<address>` or a bare address, then space-separated parameters. Read on
    /// UTF-8: every delimiter is ASCII.
    static func path(_ argument: String, keyword: String) -> (String, [String])? {
        let bytes = argument.utf8
        var index = bytes.startIndex
        for expected in keyword.utf8 {
            guard index < bytes.endIndex else { return nil }
            let byte = bytes[index]
            guard (byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) == expected else { return nil }
            index = bytes.index(after: index)
        }
        while index < bytes.endIndex, bytes[index] == 0x20 { index = bytes.index(after: index) }
        let address: Substring
        let rest: String.Index
        if index < bytes.endIndex, bytes[index] == 0x3C {
            let open = bytes.index(after: index)
            guard let close = bytes[open...].firstIndex(of: 0x3E) else { return nil }
            address = argument[open..<close]
            rest = bytes.index(after: close)
        } else {
            let end = bytes[index...].firstIndex(of: 0x20) ?? bytes.endIndex
            address = argument[index..<end]
            rest = end
        }
        let parameters = rest == bytes.endIndex ? [] : argument[rest...].split(separator: " ").map(String.init)
        return (String(address), parameters)
    }

    static func decodeBase64(_ text: String) -> [UInt8]? {
        let trimmed = text.trimmingSpaces
        if trimmed == "=" { return [] }
        guard let data = Data(base64Encoded: trimmed) else { return nil }
        return Array(data)
    }

    static func decodeBase64Text(_ text: String) -> String? {
        decodeBase64(text).map { String(decoding: $0, as: UTF8.self) }
    }
}
