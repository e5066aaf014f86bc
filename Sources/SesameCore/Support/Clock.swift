public import Foundation

/// Wall-clock time as the domain sees it. Tests pass a fixed clock.
public protocol WallClock: Sendable {
    func now() -> Date
}

public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

public struct FixedWallClock: WallClock {
    public let date: Date
    public init(_ date: Date) { self.date = date }
    public func now() -> Date { date }
}

/// Formats used on the wire for dates.
public enum Timestamp {
    /// ISO 8601 in UTC with whole seconds, as IAM prints it: `2012-09-05T19:38:48Z`.
    public static func iso8601(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        // Formatted by hand: String(format:) is slow on Linux and this runs on every request.
        var out: [UInt8] = []
        out.reserveCapacity(20)
        func digits(_ value: Int32, _ count: Int) {
            var divisor: Int32 = 1
            for _ in 1..<count { divisor *= 10 }
            var v = value
            for _ in 0..<count {
                out.append(UInt8(48 + (v / divisor) % 10))
                v %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        out.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        out.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        out.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        out.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        out.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `2012-09-05T19:38:48Z` (optionally with fractional seconds) or epoch seconds.
    public static func parse(_ text: String) -> Date? {
        if let seconds = Double(text), !text.contains("-") { return Date(timeIntervalSince1970: seconds) }
        let scalars = Array(text.utf8)
        guard scalars.count >= 10 else { return nil }
        func number(_ from: Int, _ length: Int) -> Int? {
            guard from + length <= scalars.count else { return nil }
            var value = 0
            for i in from..<(from + length) {
                let c = scalars[i]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard let year = number(0, 4), scalars[4] == UInt8(ascii: "-"), let month = number(5, 2),
            scalars[7] == UInt8(ascii: "-"), let day = number(8, 2)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offsetSeconds = 0
        if scalars.count > 10 {
            guard scalars[10] == UInt8(ascii: "T") || scalars[10] == UInt8(ascii: " "),
                let h = number(11, 2), scalars.count > 13, scalars[13] == UInt8(ascii: ":"), let m = number(14, 2)
            else { return nil }
            hour = h
            minute = m
            var index = 16
            if scalars.count > 16, scalars[16] == UInt8(ascii: ":") {
                guard let s = number(17, 2) else { return nil }
                second = s
                index = 19
                if index < scalars.count, scalars[index] == UInt8(ascii: ".") {
                    var digits = ""
                    index += 1
                    while index < scalars.count, scalars[index] >= 48, scalars[index] <= 57 {
                        digits.append(Character(UnicodeScalar(scalars[index])))
                        index += 1
                    }
                    fraction = Double("0." + digits) ?? 0
                }
            }
            if index < scalars.count {
                let sign = scalars[index]
                if sign == UInt8(ascii: "Z") {
                    index += 1
                } else if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                    guard let oh = number(index + 1, 2) else { return nil }
                    var om = 0
                    if index + 3 < scalars.count {
                        let colon = scalars[index + 3] == UInt8(ascii: ":") ? 1 : 0
                        om = number(index + 3 + colon, 2) ?? 0
                        index += 3 + colon + 2
                    } else {
                        index += 3
                    }
                    offsetSeconds = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
                } else {
                    return nil
                }
            }
            guard index == scalars.count else { return nil }
        }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = timegm(&parts)
        return Date(timeIntervalSince1970: Double(epoch) - Double(offsetSeconds) + fraction)
    }

    /// Milliseconds since the epoch, the storage form of every date.
    public static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    public static func date(millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}
