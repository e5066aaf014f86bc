import Testing

@testable import SesameCore

/// Known answers: Terraform's published vectors and ones computed with Python's hmac for this project.
@Suite struct SMTPPasswordTests {
    struct Vector: Sendable, CustomStringConvertible {
        let secret: String
        let region: String
        let version: SMTPPassword.Version
        let expected: String
        var description: String { "\(secret.prefix(8))… \(region) v\(version.rawValue)" }
    }

    static let vectors: [Vector] = [
        // Terraform provider test vectors.
        Vector(secret: "some+secret+key", region: "eu-central-1", version: .v4, expected: "BMXhUYlu5Z3gSXVQORxlVa7XPaz91aGWdfHxvkOZdWZ2"),
        Vector(
            secret: "another+secret+key", region: "eu-central-1", version: .v4, expected: "BBbphbrQmrKMx42d1N6+C7VINYEBGI5v9VsZeTxwskfh"),
        Vector(secret: "some+secret+key", region: "us-west-1", version: .v4, expected: "BH+jbMzper5WwlwUar9E1ySBqHa9whi0GPo+sJ0mVYJj"),
        Vector(secret: "another+secret+key", region: "us-west-1", version: .v4, expected: "BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF"),
        Vector(secret: "some+secret+key", region: "any", version: .v2, expected: "AnkqhOiWEcszZZzTMCQbOY1sPGoLFgMH9zhp4eNgSjo4"),
        Vector(secret: "another+secret+key", region: "any", version: .v2, expected: "Akwqr0Giwi8FsQFgW3DXWCC2DiiQ/jZjqLDWK8TeTBgL"),
        // AWS's documented example secret.
        Vector(
            secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1", version: .v4,
            expected: "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"),
        Vector(
            secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "eu-west-1", version: .v4,
            expected: "BMW5RDrXmmVs0lV7GpI4oLkHXpZ4stDsk6q91z1g38Pk"),
        Vector(
            secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "ap-southeast-2", version: .v4,
            expected: "BLNVIwl1Vk66qi8YP1q44PSaqUtaoyrS/0LT79VaGBfa"),
        Vector(
            secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1", version: .v2,
            expected: "An60U4ZD3sd4fg+FvXUjayOipTt8LO4rUUmhpdX6ctDy"),
        Vector(
            secret: "SesCompatTestSecret000000000000000000001", region: "us-east-1", version: .v4,
            expected: "BCT2PP4Jy/MGkqnFmU9o7fp66GolLY7Cgxjl/qnKiVYJ"),
        Vector(
            secret: "SesCompatTestSecret000000000000000000001", region: "eu-west-1", version: .v4,
            expected: "BL4FoDK5d/B/nwh0bMC7htLvZA4xJnkFLFr71+leT5OO"),
        Vector(
            secret: "SesCompatTestSecret000000000000000000001", region: "ap-southeast-2", version: .v4,
            expected: "BBiVnykwRvtGqXVeGhGSp5YSYfJuXovXnYS2bofMLuLG"),
        Vector(
            secret: "SesCompatTestSecret000000000000000000001", region: "eu-west-1", version: .v2,
            expected: "Am24lsZVQrDrhsMliEaXeTG4z9W8MFzZr7kV7NPWe8XY"),
        Vector(
            secret: "abcdEFGH1234+/ijklMNOP5678qrstUVWX9012yz", region: "us-east-1", version: .v4,
            expected: "BHunBHNLaM/Bo0mMOMsu3jWMkWw3dPiTU7pypueCV+Ta"),
        Vector(
            secret: "abcdEFGH1234+/ijklMNOP5678qrstUVWX9012yz", region: "eu-west-1", version: .v4,
            expected: "BIRWBZHA8oEe4OJ7R5t4cb/fjNVydnkvqUE1p8R7uQku"),
        Vector(
            secret: "abcdEFGH1234+/ijklMNOP5678qrstUVWX9012yz", region: "ap-southeast-2", version: .v4,
            expected: "BLj4VN1JlobyD3WWBVgoEzqAltQGjrHaQisat15UgRDj"),
        Vector(
            secret: "abcdEFGH1234+/ijklMNOP5678qrstUVWX9012yz", region: "ap-southeast-2", version: .v2,
            expected: "AidcMAoHB7HgezmGPkIPA8eF5ydcqze6YtaaQIyoDGkG"),
    ]

    @Test(arguments: vectors)
    func knownAnswer(_ vector: Vector) {
        #expect(SMTPPassword.derive(secret: vector.secret, region: vector.region, version: vector.version) == vector.expected)
    }

    @Test func versionByteAndLength() {
        let v4 = SMTPPassword.derive(secret: "x", region: "us-east-1", version: .v4)
        let v2 = SMTPPassword.derive(secret: "x", region: "us-east-1", version: .v2)
        #expect(v4.count == 44 && v4.hasPrefix("B"))
        #expect(v2.count == 44 && v2.hasPrefix("A"))
        #expect(SMTPPassword.derive(secret: "x", region: "eu-west-1", version: .v2) == v2)
        #expect(SMTPPassword.derive(secret: "x", region: "eu-west-1", version: .v4) != v4)
    }

    @Test func constantTimeComparison() {
        #expect(constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
    }
}
