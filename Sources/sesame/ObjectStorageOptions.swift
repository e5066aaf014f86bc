import ArgumentParser
import SesameServer

/// Where SES v2 import and export jobs read and write their files (`s3://BUCKET/KEY`).
struct ObjectStorageOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "An S3-compatible endpoint for import and export job files, e.g. http://127.0.0.1:9000 (path-style requests, signed with SESAME_S3_ACCESS_KEY_ID and SESAME_S3_SECRET_ACCESS_KEY). [SESAME_S3_ENDPOINT]",
            valueName: "url"))
    var s3Endpoint: String?

    @Option(help: ArgumentHelp("The region --s3-endpoint signs requests for. [SESAME_S3_REGION] (default: us-east-1)", valueName: "region"))
    var s3Region: String?

    @Option(
        help: ArgumentHelp(
            "A local directory for import and export job files instead of --s3-endpoint: s3://BUCKET/KEY is DIR/BUCKET/KEY. [SESAME_S3_DIRECTORY]",
            valueName: "dir"))
    var s3Directory: String?

    func apply(to configuration: inout SesameConfiguration) throws {
        let endpoint = s3Endpoint ?? Environment.value("SESAME_S3_ENDPOINT")
        let directory = s3Directory ?? Environment.value("SESAME_S3_DIRECTORY")
        if endpoint != nil && directory != nil {
            throw ValidationError("Give --s3-endpoint or --s3-directory, not both.")
        }
        if let endpoint {
            guard endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") else {
                throw ValidationError("--s3-endpoint must be an http:// or https:// URL (got '\(endpoint)').")
            }
            guard let key = Environment.value("SESAME_S3_ACCESS_KEY_ID"), let secret = Environment.value("SESAME_S3_SECRET_ACCESS_KEY")
            else {
                throw ValidationError("--s3-endpoint needs SESAME_S3_ACCESS_KEY_ID and SESAME_S3_SECRET_ACCESS_KEY in the environment.")
            }
            configuration.objectStorage = .s3(
                endpoint: endpoint, accessKeyID: key, secretAccessKey: secret,
                region: s3Region ?? Environment.value("SESAME_S3_REGION") ?? "us-east-1")
        } else if let directory {
            configuration.objectStorage = .directory(directory)
        }
    }
}
