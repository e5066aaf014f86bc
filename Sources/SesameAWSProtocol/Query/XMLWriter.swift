/// A small streaming XML writer for AWS Query-protocol responses. It writes UTF-8 bytes, which
/// is what goes on the wire: no intermediate strings per element.
public struct XMLWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {
        bytes.reserveCapacity(512)
    }

    /// The document as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    static func needsEscape(_ byte: UInt8) -> Bool {
        byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27 || byte == 0x0D
    }

    public static func escape(_ value: String) -> String {
        var writer = XMLWriter()
        writer.characters(value)
        return writer.text
    }

    mutating func raw(_ value: String) {
        var value = value
        value.withUTF8 { bytes.append(contentsOf: $0) }
    }

    public mutating func open(_ name: String, xmlns: String? = nil) {
        bytes.append(0x3C)
        raw(name)
        if let xmlns {
            raw(" xmlns=\"")
            characters(xmlns)
            bytes.append(0x22)
        }
        bytes.append(0x3E)
    }

    public mutating func close(_ name: String) {
        bytes.append(0x3C)
        bytes.append(0x2F)
        raw(name)
        bytes.append(0x3E)
    }

    /// Escaped character data inside the current element. Most values (IDs, names, dates) need
    /// no escaping: they are copied as they are.
    public mutating func characters(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            guard utf8.contains(where: Self.needsEscape) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case 0x26: raw("&amp;")
                case 0x3C: raw("&lt;")
                case 0x3E: raw("&gt;")
                case 0x22: raw("&quot;")
                case 0x27: raw("&apos;")
                case 0x0D: raw("&#13;")
                default: bytes.append(byte)
                }
            }
        }
    }

    /// `<name>value</name>`; nothing when `value` is nil.
    public mutating func element(_ name: String, _ value: String?) {
        guard let value else { return }
        open(name)
        characters(value)
        close(name)
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
