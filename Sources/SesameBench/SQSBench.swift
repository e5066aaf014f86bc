import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SesameAWSProtocol

/// SQS round trips as a feedback worker makes them: SendMessage, ReceiveMessage, DeleteMessage
/// (AWS JSON 1.0, signed), by N concurrent workers, each on its own queue, for a fixed time.
/// The same generator drives Sesame and moto in scripts/bench.
struct SQSBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sqs", abstract: "Drive SQS send + receive + delete round trips at an endpoint (127.0.0.1 only).")

    @Option(help: "Target port on 127.0.0.1.") var port: Int
    @Option(help: "Access key ID.") var accessKeyId: String
    @Option(help: "Secret access key.") var secretAccessKey: String
    @Option(help: "Concurrent workers, each with its own queue.") var workers = 8
    @Option(help: "Seconds to run.") var duration = 10.0
    @Option(help: "Label printed with the result.") var label = "target"

    func run() async throws {
        let signer = SigV4Signer(accessKeyID: accessKeyId, secret: secretAccessKey, region: "us-east-1", service: "sqs")
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let endpoint = "http://127.0.0.1:\(port)/"
        func call(_ operation: String, _ input: [String: Any]) async throws -> [String: Any] {
            let body = Array(try JSONSerialization.data(withJSONObject: input))
            let base: [(name: String, value: String)] = [
                ("Host", "127.0.0.1:\(port)"), ("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Target", "AmazonSQS.\(operation)"),
            ]
            var request = HTTPClientRequest(url: endpoint)
            request.method = .POST
            for (name, value) in base + signer.sign(method: "POST", rawPath: "/", rawQuery: "", headers: base, body: body, date: Date()) {
                request.headers.add(name: name, value: value)
            }
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: .seconds(10))
            let data = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .ok else {
                throw ValidationError("\(operation): HTTP \(response.status.code) \(String(buffer: data))")
            }
            return (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView)) as? [String: Any]) ?? [:]
        }
        var queues: [String] = []
        let run = UUID().uuidString.prefix(8).lowercased()
        for index in 0..<workers {
            let created = try await call("CreateQueue", ["QueueName": "bench-\(run)-\(index)"])
            guard let url = created["QueueUrl"] as? String else { throw ValidationError("CreateQueue returned no QueueUrl") }
            queues.append(url)
        }
        let payload = String(repeating: "x", count: 1024)
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int64(duration * 1000))
        let results = try await withThrowingTaskGroup(of: ([Duration], Int).self) { tasks in
            for url in queues {
                tasks.addTask {
                    var latencies: [Duration] = [], errors = 0
                    while ContinuousClock.now < deadline {
                        let began = ContinuousClock.now
                        do {
                            _ = try await call("SendMessage", ["QueueUrl": url, "MessageBody": payload])
                            let received = try await call("ReceiveMessage", ["QueueUrl": url, "MaxNumberOfMessages": 1])
                            guard let message = (received["Messages"] as? [[String: Any]])?.first,
                                let handle = message["ReceiptHandle"] as? String
                            else {
                                errors += 1
                                continue
                            }
                            _ = try await call("DeleteMessage", ["QueueUrl": url, "ReceiptHandle": handle])
                            latencies.append(ContinuousClock.now - began)
                        } catch {
                            errors += 1
                        }
                    }
                    return (latencies, errors)
                }
            }
            var all: ([Duration], Int) = ([], 0)
            for try await (latencies, errors) in tasks {
                all.0 += latencies
                all.1 += errors
            }
            return all
        }
        let took = ContinuousClock.now - start
        let elapsed = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        for url in queues { _ = try? await call("DeleteQueue", ["QueueUrl": url]) }
        try await client.shutdown()
        let sorted = results.0.map { Double($0.components.seconds) * 1000 + Double($0.components.attoseconds) / 1e15 }.sorted()
        func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        print(
            String(
                format: "%@: %.0f round trips/s (%d ok, %d errors, %d workers); round trip p50 %.2f ms, p99 %.2f ms",
                label, Double(sorted.count) / elapsed, sorted.count, results.1, workers, pct(0.5), pct(0.99)))
        if sorted.isEmpty { throw ExitCode(1) }
    }
}
