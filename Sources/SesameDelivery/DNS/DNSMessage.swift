import Foundation

/// Just enough of the DNS wire format (RFC 1035) to ask for MX, A and AAAA records and read
/// the answers, including compressed names. Pure: the resolver moves the bytes.
public enum DNSMessage {
    public enum RecordType: UInt16, Sendable {
        case a = 1, cname = 5, mx = 15, txt = 16, aaaa = 28
    }

    public enum Record: Sendable, Equatable {
        case mx(preference: Int, exchange: String)
        case a(String)
        case aaaa(String)
        case cname(String)
        /// A TXT record's character-strings, joined (as SPF and DKIM read them, RFC 7208 §3.3).
        case txt(String)
    }

    public struct Response: Sendable, Equatable {
        public var id: UInt16
        /// RCODE: 0 no error, 3 NXDOMAIN, others server failures.
        public var rcode: Int
        public var truncated: Bool
        public var answers: [Record]
    }

    public struct Malformed: Error {}

    /// A query with recursion desired and an EDNS0 OPT record offering 4,096-byte UDP answers
    /// (RFC 6891), so long MX lists are not truncated to 512 bytes.
    public static func query(id: UInt16, name: String, type: RecordType) -> [UInt8] {
        var out: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1]  // RD, one question, one additional
        for label in name.split(separator: ".") {
            let bytes = Array(label.utf8.prefix(63))
            out.append(UInt8(bytes.count))
            out.append(contentsOf: bytes)
        }
        out.append(0)
        out.append(contentsOf: [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xff), 0, 1])  // class IN
        out.append(contentsOf: [0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0])  // OPT: root, type 41, payload 4096, no flags, no data
        return out
    }

    public static func parse(_ bytes: [UInt8]) throws(Malformed) -> Response {
        guard bytes.count >= 12 else { throw Malformed() }
        func u16(_ at: Int) throws(Malformed) -> Int {
            guard at + 1 < bytes.count else { throw Malformed() }
            return Int(bytes[at]) << 8 | Int(bytes[at + 1])
        }
        let id = UInt16(try u16(0))
        let flags = try u16(2)
        let questions = try u16(4), answers = try u16(6)
        var offset = 12
        for _ in 0..<questions {
            _ = try readName(bytes, &offset)
            offset += 4
        }
        var records: [Record] = []
        for _ in 0..<answers {
            _ = try readName(bytes, &offset)
            let type = try u16(offset)
            let length = try u16(offset + 8)
            let start = offset + 10
            guard start + length <= bytes.count else { throw Malformed() }
            switch RecordType(rawValue: UInt16(type)) {
            case .mx:
                var at = start + 2
                records.append(.mx(preference: try u16(start), exchange: try readName(bytes, &at)))
            case .a where length == 4:
                records.append(.a(bytes[start..<start + 4].map(String.init).joined(separator: ".")))
            case .aaaa where length == 16:
                let groups = stride(from: start, to: start + 16, by: 2).map { String(Int(bytes[$0]) << 8 | Int(bytes[$0 + 1]), radix: 16) }
                records.append(.aaaa(groups.joined(separator: ":")))
            case .cname:
                var at = start
                records.append(.cname(try readName(bytes, &at)))
            case .txt:
                var text: [UInt8] = []
                var at = start
                while at < start + length {
                    let count = Int(bytes[at])
                    guard at + 1 + count <= start + length else { throw Malformed() }
                    text += bytes[(at + 1)..<(at + 1 + count)]
                    at += 1 + count
                }
                records.append(.txt(String(decoding: text, as: UTF8.self)))
            default:
                break
            }
            offset = start + length
        }
        return Response(id: id, rcode: flags & 0x0f, truncated: flags & 0x0200 != 0, answers: records)
    }

    /// Reads a possibly compressed name at `offset`, moving `offset` past it. A name is at most
    /// 255 octets (RFC 1035 2.3.4): compression pointers cannot make a small answer hold huge names.
    static func readName(_ bytes: [UInt8], _ offset: inout Int) throws(Malformed) -> String {
        var labels: [String] = []
        var nameLength = 1
        var at = offset
        var jumped = false
        var hops = 0
        while true {
            guard at < bytes.count else { throw Malformed() }
            let length = Int(bytes[at])
            if length == 0 {
                if !jumped { offset = at + 1 }
                break
            }
            if length & 0xc0 == 0xc0 {
                guard at + 1 < bytes.count, hops < 64 else { throw Malformed() }
                if !jumped { offset = at + 2 }
                jumped = true
                hops += 1
                at = (length & 0x3f) << 8 | Int(bytes[at + 1])
                continue
            }
            guard at + 1 + length <= bytes.count else { throw Malformed() }
            nameLength += 1 + length
            guard nameLength <= 255 else { throw Malformed() }
            labels.append(String(decoding: bytes[at + 1..<at + 1 + length], as: UTF8.self))
            at += 1 + length
        }
        return labels.joined(separator: ".")
    }
}
