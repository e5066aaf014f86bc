import ArgumentParser
import Foundation
import SesameAWSModels
import SesameAWSProtocol

/// Times the model-driven wire layer alone for one SES v1 SendEmail, as the server runs it per
/// request: parse the form body, decode and validate the input from the model, build the typed
/// input, and write the typed output back as Query XML. No sockets, no store.
struct WireBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire", abstract: "Time Query decoding, validation and XML encoding of SES SendEmail (in-process).")

    @Option(help: "Requests to decode and answer.") var iterations = 200_000

    func run() throws {
        let body = Array(
            ("Action=SendEmail&Version=2010-12-01&Source=bench%40example.com&Destination.ToAddresses.member.1=recipient%40example.net"
                + "&Message.Subject.Data=Benchmark&Message.Body.Text.Data=" + String(repeating: "x", count: 1024)).utf8)
        let codec = QueryCodec(model: SES.model)
        guard let operation = SES.model.operations["SendEmail"] else { throw ValidationError("no SendEmail in the SES model") }
        var bytes = 0
        func once() throws {
            let parameters = QueryParameters(formBody: body, rawQuery: "")
            let value = try codec.decode(parameters, operation: operation)
            let input = try SES.SendEmailRequest(awsValue: value)
            let output = SES.SendEmailResponse(messageId: "0100019bd2c6f0e1-\(input.destination.toAddresses?.count ?? 0)-000000")
            bytes &+= codec.encode(output.awsValue, operation: operation, requestID: "4b3c1a9e-0000-4000-8000-000000000000").body.count
        }
        for _ in 0..<1_000 { try once() }
        let clock = ContinuousClock()
        let elapsed = try clock.measure { for _ in 0..<iterations { try once() } }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        func time(_ label: String, _ body: () throws -> Void) rethrows {
            let e = try clock.measure { for _ in 0..<iterations { try body() } }
            let s = Double(e.components.seconds) + Double(e.components.attoseconds) / 1e18
            print(String(format: "  %@: %.2f µs", label, s / Double(iterations) * 1e6))
        }
        let parameters = QueryParameters(formBody: body, rawQuery: "")
        let value = try codec.decode(parameters, operation: operation)
        try time("parameters") { _ = QueryParameters(formBody: body, rawQuery: "") }
        try time("decode tree") { _ = QueryInputDecoder(model: SES.model, parameters: parameters.pairs) }
        try time("decode") { _ = QueryInputDecoder(model: SES.model, parameters: parameters.pairs).decode(shape: "SendEmailRequest") }
        try time("validate") { _ = ShapeValidator(model: SES.model).problems(in: value, shape: "SendEmailRequest") }
        try time("decode, then validate (two passes)") {
            let decoded = QueryInputDecoder(model: SES.model, parameters: parameters.pairs).decode(shape: "SendEmailRequest").value
            _ = ShapeValidator(model: SES.model).problems(in: decoded, shape: "SendEmailRequest")
        }
        try time("decode validating (one pass, as served)") {
            _ = QueryInputDecoder(model: SES.model, parameters: parameters.pairs).decodeValidating(shape: "SendEmailRequest")
        }
        try time("typed") { _ = try SES.SendEmailRequest(awsValue: value) }
        let output = SES.SendEmailResponse(messageId: "0100019bd2c6f0e1-1-000000")
        try time("encode") { _ = codec.encode(output.awsValue, operation: operation, requestID: "4b3c1a9e-0000-4000-8000-000000000000") }
        print(
            String(
                format: "SendEmail wire round trip: %.2f µs per request (%d requests, %d bytes written)",
                seconds / Double(iterations) * 1e6, iterations, bytes))
    }
}
