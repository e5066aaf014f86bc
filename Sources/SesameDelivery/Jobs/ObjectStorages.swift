import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import SesameAWSProtocol
public import SesameBackend
import SesameCore

/// Import and export files in a local directory: `s3://BUCKET/KEY` is `ROOT/BUCKET/KEY`.
public struct DirectoryObjectStorage: ObjectStorage {
    let root: URL

    public init(root: String) { self.root = URL(fileURLWithPath: root, isDirectory: true) }

    func file(_ bucket: String, _ key: String) -> URL { root.appendingPathComponent(bucket).appendingPathComponent(key) }

    public func get(bucket: String, key: String) async throws -> [UInt8] {
        let url = file(bucket, key)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SesameError(.invalidParameterValue, "s3://\(bucket)/\(key) does not exist (looked for \(url.path)).")
        }
        return Array(data)
    }

    public func put(bucket: String, key: String, bytes: [UInt8], contentType: String) async throws {
        let url = file(bucket, key)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url, options: .atomic)
    }
}

/// Import and export files on an S3-compatible endpoint (path-style URLs), each request signed
/// with Signature V4 by Sesame's own signer.
public struct S3ObjectStorage: ObjectStorage {
    let endpoint: String
    let signer: SigV4Signer
    let client: HTTPClient

    public init(endpoint: String, accessKeyID: String, secretAccessKey: String, region: String) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.signer = SigV4Signer(accessKeyID: accessKeyID, secret: secretAccessKey, region: region, service: "s3")
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func request(
        _ method: HTTPMethod, bucket: String, key: String, body: [UInt8], contentType: String?
    ) async throws -> (
        UInt, [UInt8]
    ) {
        guard let host = URL(string: endpoint), let authority = host.host else {
            throw SesameError(.internalFailure, "--s3-endpoint is not a URL: \(endpoint)")
        }
        let path = "/" + URIEncoding.encode(bucket) + "/" + URIEncoding.encode(key, keepSlash: true)
        var headers: [(name: String, value: String)] = [
            ("Host", host.port.map { "\(authority):\($0)" } ?? authority),
            ("x-amz-content-sha256", SigV4Verifier.sha256Hex(body)),
        ]
        if let contentType { headers.append(("Content-Type", contentType)) }
        headers += signer.sign(method: method.rawValue, rawPath: path, rawQuery: "", headers: headers, body: body, date: Date())
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = method
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let collected = try await response.body.collect(upTo: 512 * 1024 * 1024)
        return (response.status.code, Array(collected.readableBytesView))
    }

    public func get(bucket: String, key: String) async throws -> [UInt8] {
        let (status, body) = try await request(.GET, bucket: bucket, key: key, body: [], contentType: nil)
        guard status == 200 else {
            throw SesameError(.invalidParameterValue, "Reading s3://\(bucket)/\(key) failed: HTTP \(status) \(Self.errorCode(body))")
        }
        return body
    }

    public func put(bucket: String, key: String, bytes: [UInt8], contentType: String) async throws {
        let (status, body) = try await request(.PUT, bucket: bucket, key: key, body: bytes, contentType: contentType)
        guard (200..<300).contains(status) else {
            // A busy or failing endpoint may take the file later; a refusal will not change.
            let temporary = status >= 500 || status == 429
            throw SesameError(
                temporary ? .temporarilyUnavailable : .invalidParameterValue,
                "Writing s3://\(bucket)/\(key) failed: HTTP \(status) \(Self.errorCode(body))")
        }
    }

    /// S3's error code (`<Code>NoSuchBucket</Code>`), for the job's failure message.
    static func errorCode(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        guard let start = text.range(of: "<Code>"), let end = text.range(of: "</Code>", range: start.upperBound..<text.endIndex) else {
            return ""
        }
        return String(text[start.upperBound..<end.lowerBound])
    }

    public func shutdown() async { try? await client.shutdown() }
}
