/// A small streaming XML writer for AWS Query-protocol responses.
public struct XMLWriter: Sendable {
    public private(set) var text: String = ""

    public init() {
        text.reserveCapacity(512)
    }

    public static func escape(_ value: String) -> String {
        // Most values (IDs, names, dates) need no escaping: one scan, no copy.
        if !value.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0x0D }) {
            return value
        }
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for c in value.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    public mutating func open(_ name: String, xmlns: String? = nil) {
        text += "<\(name)"
        if let xmlns { text += " xmlns=\"\(xmlns)\"" }
        text += ">"
    }

    public mutating func close(_ name: String) { text += "</\(name)>" }

    /// Escaped character data inside the current element.
    public mutating func characters(_ value: String) { text += Self.escape(value) }

    /// `<name>value</name>`; nothing when `value` is nil.
    public mutating func element(_ name: String, _ value: String?) {
        guard let value else { return }
        text += "<\(name)>\(Self.escape(value))</\(name)>"
    }

    public mutating func element(_ name: String, _ value: Bool) { element(name, value ? "true" : "false") }
    public mutating func element(_ name: String, _ value: Int) { element(name, String(value)) }

    public mutating func element(_ name: String, _ body: (inout XMLWriter) -> Void) {
        open(name)
        body(&self)
        close(name)
    }
}

/// The Query protocol's error envelope (the success envelope is `QueryOutputEncoder`'s).
public enum QueryResponse {
    /// `<ErrorResponse xmlns=…><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
    public static func renderError(_ error: AWSError, namespace: String, requestID: String) -> String {
        var xml = XMLWriter()
        xml.open("ErrorResponse", xmlns: namespace)
        xml.element("Error") {
            $0.element("Type", error.fault.rawValue)
            $0.element("Code", error.code)
            $0.element("Message", error.message)
        }
        xml.element("RequestId", requestID)
        xml.close("ErrorResponse")
        return xml.text
    }
}
