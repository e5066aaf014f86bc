/// The id of an entry of an SQS or SNS batch request: 1 to 80 ASCII letters, digits, hyphens and underscores.
public enum BatchEntryID {
    public static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 80 && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}
