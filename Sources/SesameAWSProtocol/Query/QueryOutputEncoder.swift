import Foundation

/// Writes an operation's output as the Query protocol's XML, from the output shape:
/// `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata><RequestId>…`, members in model
/// order, lists as `<member>` elements (repeated elements when flattened), maps as
/// `<entry><key/><value/></entry>`, timestamps in ISO 8601, blobs in base64.
public struct QueryOutputEncoder {
    let model: ServiceModel

    public init(model: ServiceModel) { self.model = model }

    public func response(_ operation: OperationModel, output: AWSValue, requestID: String) -> String {
        String(decoding: responseBytes(operation, output: output, requestID: requestID), as: UTF8.self)
    }

    /// The response document as UTF-8 bytes.
    public func responseBytes(_ operation: OperationModel, output: AWSValue, requestID: String) -> [UInt8] {
        var xml = XMLWriter()
        xml.open("\(operation.name)Response", xmlns: model.metadata.xmlNamespace)
        if let outputShape = operation.output {
            let wrapper = operation.resultWrapper ?? "\(operation.name)Result"
            xml.open(wrapper)
            writeMembers(&xml, output, model.shape(outputShape))
            xml.close(wrapper)
        }
        xml.element("ResponseMetadata") { $0.element("RequestId", requestID) }
        xml.close("\(operation.name)Response")
        return xml.bytes
    }

    func writeMembers(_ xml: inout XMLWriter, _ value: AWSValue, _ shape: Shape) {
        guard case .structure(let members) = value else { return }
        for (name, ref) in shape.members {
            guard let member = members[name] else { continue }
            write(&xml, member, ref, elementName: ref.queryName ?? ref.locationName ?? name)
        }
    }

    func write(_ xml: inout XMLWriter, _ value: AWSValue, _ ref: MemberRef, elementName: String) {
        let shape = model.shape(ref)
        switch value {
        case .structure:
            xml.open(elementName)
            writeMembers(&xml, value, shape)
            xml.close(elementName)
        case .list(let items):
            guard let member = shape.member else { return }
            if shape.flattened || ref.flattened {
                let name = member.locationName ?? elementName
                for item in items { write(&xml, item, member, elementName: name) }
            } else {
                xml.open(elementName)
                let name = member.locationName ?? "member"
                for item in items { write(&xml, item, member, elementName: name) }
                xml.close(elementName)
            }
        case .map(let entries):
            guard let key = shape.key, let valueRef = shape.value else { return }
            let flattened = shape.flattened || ref.flattened
            if !flattened { xml.open(elementName) }
            for (entryKey, entryValue) in entries.sorted(by: { $0.key < $1.key }) {
                xml.open(flattened ? elementName : "entry")
                write(&xml, .string(entryKey), key, elementName: key.locationName ?? "key")
                write(&xml, entryValue, valueRef, elementName: valueRef.locationName ?? "value")
                xml.close(flattened ? elementName : "entry")
            }
            if !flattened { xml.close(elementName) }
        case .string(let text):
            xml.element(elementName, text)
        case .integer(let number):
            xml.element(elementName, String(number))
        case .double(let number):
            xml.element(elementName, String(number))
        case .boolean(let flag):
            xml.element(elementName, flag)
        case .timestamp(let date):
            xml.element(elementName, AWSTimestamp.iso8601(date))
        case .blob(let bytes):
            xml.element(elementName, Data(bytes).base64EncodedString())
        }
    }
}
