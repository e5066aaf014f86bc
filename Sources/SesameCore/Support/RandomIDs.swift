import Foundation

/// Generators for the identifiers AWS hands out, in AWS's formats.
public enum RandomIDs {
    static let base32 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    static let alphanumericUpper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    public static func pick(_ count: Int, from alphabet: [Character]) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// `AKIA` followed by 16 characters of `A-Z2-7`.
    public static func accessKeyID() -> String { "AKIA" + pick(16, from: base32) }
    /// 40 characters of `A-Za-z0-9+/`, as AWS secrets are.
    public static func secretAccessKey() -> String { pick(40, from: secretAlphabet) }
    /// An STS session token: 356 characters of base64's alphabet (AWS's are opaque and long).
    public static func sessionToken() -> String { "IQoJ" + pick(352, from: secretAlphabet) }
    /// A unique ID: a four-letter prefix (`AIDA` user, `ANPA` policy) and 17 characters.
    public static func uniqueID(prefix: String) -> String { prefix + pick(17, from: alphanumericUpper) }
    /// A 12-digit AWS account ID that does not start with 0.
    public static func accountID() -> String {
        var generator = SystemRandomNumberGenerator()
        let first = String(generator.next(upperBound: UInt64(9)) + 1)
        return first + String((0..<11).map { _ in Character(String(generator.next(upperBound: UInt64(10)))) })
    }
    /// A readable random password for generated root credentials.
    public static func password(length: Int = 24) -> String {
        pick(length, from: Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"))
    }
    /// A UUID-shaped request ID (message, request and event IDs), from 128 random bits.
    public static func requestID() -> String {
        let random = IdentifierRandomness.shared.next()
        let words = [random.0, random.1]
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for i in 0..<32 {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(UInt8(ascii: "-")) }
            let word = words[i / 16]
            out.append(hex[Int((word >> UInt64((15 - i % 16) * 4)) & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Random bytes for identifiers, taken from the system 4 KiB at a time, so that a message ID costs
/// no system call of its own (one per message was measurable). Identifiers are not secrets:
/// access keys, secrets and passwords draw from `SystemRandomNumberGenerator` directly.
final class IdentifierRandomness: @unchecked Sendable {
    // @unchecked: `buffer` and `used` are touched only under `lock`.
    static let shared = IdentifierRandomness()
    private let lock = NSLock()
    private var buffer = [UInt8](repeating: 0, count: 4096)
    private var used = 4096

    func next() -> (UInt64, UInt64) {
        lock.lock()
        defer { lock.unlock() }
        if used + 16 > buffer.count {
            buffer.withUnsafeMutableBytes { Self.fill($0) }
            used = 0
        }
        let words = buffer.withUnsafeBytes {
            ($0.loadUnaligned(fromByteOffset: used, as: UInt64.self), $0.loadUnaligned(fromByteOffset: used + 8, as: UInt64.self))
        }
        used += 16
        return words
    }

    static func fill(_ bytes: UnsafeMutableRawBufferPointer) {
        #if canImport(Glibc)
        // glibc's arc4random_buf reads the kernel's generator (getrandom) in one call.
        arc4random_buf(bytes.baseAddress!, bytes.count)
        #else
        var generator = SystemRandomNumberGenerator()
        for offset in stride(from: 0, to: bytes.count, by: 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { word in
                for i in 0..<min(8, bytes.count - offset) { bytes[offset + i] = word[i] }
            }
        }
        #endif
    }
}
