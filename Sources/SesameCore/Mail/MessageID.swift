public import Foundation

/// SES message IDs: 4 hex digits of prefix, 12 hex digits of Unix time in milliseconds, a UUID,
/// and `-000000`, e.g. `0100018f5c3a1b2c-6f1e9a0b-3c4d-4e5f-8a9b-0c1d2e3f4a5b-000000` (60 characters).
public enum MessageID {
    public static func make(at date: Date) -> String {
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var hexTime = String(millis, radix: 16)
        hexTime = String(repeating: "0", count: max(0, 12 - hexTime.count)) + hexTime
        return "0100" + hexTime.suffix(12) + "-" + RandomIDs.requestID() + "-000000"
    }
}
