// swift-tools-version:6.0
import PackageDescription

// Shared settings: every target is compiled in Swift 6 language mode.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // As Hummingbird does: every module imports what it uses (MemberImportVisibility), and an
    // import is internal unless a public declaration needs it (InternalImportsByDefault), so
    // the compiler holds the dependency graph.
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "sesame",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sesame", targets: ["sesame"]),
        .executable(name: "sesame-bench", targets: ["SesameBench"]),
        .executable(name: "sesame-fuzz", targets: ["SesameFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.29.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.24.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Pure domain: no I/O.
        .target(
            name: "SesameCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Concurrency helpers every layer shares: a lock box, a wake-up signal, an event-loop task
        // executor, and the one group-commit helper.
        .target(
            name: "SesameConcurrency",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // AWS wire formats driven by the service models: SigV4, the Query, REST-JSON and JSON 1.0
        // codecs, validation, AWS errors. No business rules.
        .target(
            name: "SesameAWSProtocol",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The store protocol and the SQL implementation shared by both engines.
        // The AWS service models, generated from botocore by scripts/generate-aws-models: every
        // operation and shape of IAM, STS, SES v1, SES v2, SNS and SQS as typed Swift.
        .target(
            name: "SesameAWSModels",
            dependencies: ["SesameAWSProtocol"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SesameStorage",
            dependencies: [
                "SesameCore", "SesameConcurrency",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SesameSQLite",
            dependencies: ["SesameStorage", .product(name: "SQLiteKit", package: "sqlite-kit")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SesamePostgres",
            dependencies: [
                "SesameStorage",
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // Use cases: IAM, STS, bootstrap, credential lookup; owns transactions.
        .target(
            name: "SesameBackend",
            dependencies: [
                "SesameCore", "SesameStorage", "SesameConcurrency",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the HTTP front ends (the AWS APIs and the console) share: the request context.
        .target(
            name: "SesameHTTP",
            dependencies: ["SesameCore", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        // HTTP front end: the AWS APIs on Hummingbird.
        .target(
            name: "SesameAPI",
            dependencies: [
                "SesameAWSProtocol", "SesameAWSModels", "SesameBackend", "SesameHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // What both SMTP sides share, without I/O: the framer, replies and their catalogue, the
        // server and client state machines, the reply parser, dot-stuffing, the error mapping.
        .target(
            name: "SesameSMTPProtocol",
            dependencies: ["SesameCore"],
            swiftSettings: swiftSettings
        ),
        // SMTP front end: the NIO handlers and listeners that drive the server state machine.
        .target(
            name: "SesameSMTP",
            dependencies: [
                "SesameSMTPProtocol", "SesameBackend", "SesameConcurrency",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Delivery: the queue manager, the SMTP client, relay and MX transports, DNS, DKIM.
        .target(
            name: "SesameDelivery",
            dependencies: [
                "SesameBackend", "SesameSMTPProtocol", "SesameAWSProtocol",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The web console: server-rendered pages on the HTTP listener. Its Mustache templates,
        // one file per page, are compiled into the binary (embedInCode), so Sesame stays one file.
        .target(
            name: "SesameConsole",
            dependencies: [
                "SesameHTTP", "SesameBackend", "SesameAWSProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [
                .embedInCode("Templates/error.mustache"),
                .embedInCode("Templates/change-password.mustache"),
                .embedInCode("Templates/configuration-sets.mustache"),
                .embedInCode("Templates/contact-lists.mustache"),
                .embedInCode("Templates/messaging.mustache"),
                .embedInCode("Templates/queue-messages.mustache"),
                .embedInCode("Templates/receiving.mustache"),
                .embedInCode("Templates/entity-delete.mustache"),
                .embedInCode("Templates/group.mustache"),
                .embedInCode("Templates/groups.mustache"),
                .embedInCode("Templates/password-policy.mustache"),
                .embedInCode("Templates/policies.mustache"),
                .embedInCode("Templates/policy.mustache"),
                .embedInCode("Templates/role.mustache"),
                .embedInCode("Templates/roles.mustache"),
                .embedInCode("Templates/home.mustache"),
                .embedInCode("Templates/identities.mustache"),
                .embedInCode("Templates/key-created.mustache"),
                .embedInCode("Templates/layout.mustache"),
                .embedInCode("Templates/mail.mustache"),
                .embedInCode("Templates/message.mustache"),
                .embedInCode("Templates/queue.mustache"),
                .embedInCode("Templates/region-picker.mustache"),
                .embedInCode("Templates/sending.mustache"),
                .embedInCode("Templates/signin.mustache"),
                .embedInCode("Templates/smtp-create.mustache"),
                .embedInCode("Templates/smtp-created.mustache"),
                .embedInCode("Templates/smtp.mustache"),
                .embedInCode("Templates/suppression.mustache"),
                .embedInCode("Templates/user-create.mustache"),
                .embedInCode("Templates/user-delete.mustache"),
                .embedInCode("Templates/user.mustache"),
                .embedInCode("Templates/users.mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        // Composition root: configuration -> stores -> backends -> services.
        .target(
            name: "SesameServer",
            dependencies: [
                "SesameAPI", "SesameHTTP", "SesameSMTP", "SesameDelivery", "SesameConsole", "SesameSQLite", "SesamePostgres",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sesame",
            dependencies: [
                "SesameServer", "SesameCore", "SesameBackend", "SesameDelivery",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "SesameBench",
            dependencies: [
                "SesameAPI", "SesameAWSProtocol", "SesameAWSModels", "SesameBackend", "SesameCore",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // Fuzzing: the parsers that read untrusted bytes, as functions of bytes (FuzzTarget), and
        // the libFuzzer driver scripts/fuzz builds (a corpus replayer in ordinary builds).
        .target(
            name: "SesameFuzzTargets",
            dependencies: ["SesameCore", "SesameAWSProtocol", "SesameAWSModels", "SesameSMTPProtocol", "SesameDelivery"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "SesameFuzz", dependencies: ["SesameFuzzTargets"], swiftSettings: swiftSettings),
        .testTarget(name: "SesameFuzzTests", dependencies: ["SesameFuzzTargets"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SesameSMTPTests",
            dependencies: ["SesameSMTPProtocol", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SesameDeliveryTests",
            dependencies: [
                "SesameDelivery", "SesameSMTPProtocol", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SesameConsoleTests", dependencies: ["SesameConsole", "SesameCore", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: swiftSettings),
        .testTarget(name: "SesameConcurrencyTests", dependencies: ["SesameConcurrency"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SesameCoreTests", dependencies: ["SesameCore", .product(name: "_CryptoExtras", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SesameAWSProtocolTests",
            dependencies: ["SesameAWSProtocol", "SesameAWSModels", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SesameAPITests",
            dependencies: [
                "SesameAPI", "SesameHTTP", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SesameStorageTests",
            dependencies: [
                "SesameStorage", "SesameSQLite", "SesamePostgres", "SesameBackend", "SesameConcurrency", "SesameDelivery",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
