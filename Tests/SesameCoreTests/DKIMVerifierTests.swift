import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import SesameCore

/// DKIM verification against signatures made with a real RSA key by Sesame's own signer.
@Suite struct DKIMVerifierTests {
    struct Keys: DKIMKeyLookup {
        var records: [String: [String]]
        func texts(_ name: String) async throws -> [String] {
            if name.hasPrefix("down.") { throw CancellationError() }
            return records[name] ?? []
        }
    }

    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let verify: DKIMVerifier.Verify = { der, data, signature, sha256 in
        // DKIM keys are often 1024 bits, below what the safe initializer accepts.
        guard let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: der) else { return false }
        let rsa = _RSA.Signing.RSASignature(rawRepresentation: signature)
        return sha256
            ? key.isValidSignature(rsa, for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
            : key.isValidSignature(rsa, for: Insecure.SHA1.hash(data: data), padding: .insecurePKCS1v1_5)
    }

    func signed(_ text: String, selector: String = "s1") throws -> [UInt8] {
        try DKIM.sign(Array(text.utf8), domain: "example.com", selector: selector, time: Date()) { data in
            Array(try Self.key.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5).rawRepresentation)
        }
    }

    var verifier: DKIMVerifier {
        let record = "v=DKIM1; k=rsa; p=" + Self.key.publicKey.derRepresentation.base64EncodedString()
        return DKIMVerifier(lookup: Keys(records: ["s1._domainkey.example.com": [record]]), verify: Self.verify)
    }

    let message = "From: Ann <ann@example.com>\r\nTo: bob@example.net\r\nSubject: Hello\r\n\r\nHi Bob,\r\n  see you.\r\n\r\n"

    @Test func signedMailPasses() async throws {
        let outcomes = await verifier.verifyAll(try signed(message), now: Date())
        #expect(outcomes.map(\.result) == [.pass] && outcomes[0].domain == "example.com")
        #expect(DKIMVerifier.verdict(outcomes) == "PASS")
    }

    @Test func tamperingFails() async throws {
        let raw = String(decoding: try signed(message), as: UTF8.self)
        let body = await verifier.verifyAll(Array(raw.replacingOccurrences(of: "see you", with: "pay me").utf8), now: Date())
        #expect(body.map(\.reason) == ["body hash did not verify"])
        let header = await verifier.verifyAll(
            Array(raw.replacingOccurrences(of: "Subject: Hello", with: "Subject: Urgent").utf8), now: Date())
        #expect(header.map(\.result) == [.fail] && DKIMVerifier.verdict(header) == "FAIL")
        // Relaxed canonicalization forgives whitespace changes in signed headers.
        let spaced = await verifier.verifyAll(
            Array(raw.replacingOccurrences(of: "Subject: Hello", with: "Subject:   Hello").utf8), now: Date())
        #expect(spaced.map(\.result) == [.pass])
    }

    @Test func unsignedMissingKeyAndDNSFailure() async throws {
        #expect(DKIMVerifier.verdict(await verifier.verifyAll(Array(message.utf8), now: Date())) == "GRAY")
        let missing = await verifier.verifyAll(try signed(message, selector: "nokey"), now: Date())
        #expect(missing.map(\.result) == [.permerror])
        let down = await verifier.verifyAll(try signed(message, selector: "down"), now: Date())
        #expect(down.map(\.result) == [.temperror] && DKIMVerifier.verdict(down) == "PROCESSING_FAILED")
    }

    @Test func signatureFieldWithoutB() {
        let field = Array("DKIM-Signature: v=1; bh=abc=; b=XYZ\r\n\t123; d=x".utf8)[...]
        #expect(String(decoding: DKIMVerifier.withoutSignature(field), as: UTF8.self) == "DKIM-Signature: v=1; bh=abc=; b=; d=x")
        #expect(DKIMVerifier.simpleBody(Array("a\r\n\r\n\r\n".utf8)[...]) == Array("a\r\n".utf8))
    }

    /// Messages signed by dkimpy (an independent implementation) with a throwaway 1024-bit key,
    /// in three canonicalization pairs, with `h=` written with spaces (`from : to`).
    static let dkimpyKey =
        "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDNLKtqmMrKObSdbVlYtSbtWF38rATsgzSCsHyjye2pNRZq78E0BlaLtH1B6LHXsRzRfVFuNinU9pD4tlic7xRdJ7yFywHLNwDDbm5caPKw8AqZS+r93q2M+cHpzhuqS/hCizN/CDqjILZDamNfJJ/GfPPdHCHm0Cmx4kelmSf22wIDAQAB"
    static let dkimpySigned: [String: String] = [
        "simple/simple":
            "REtJTS1TaWduYXR1cmU6IHY9MTsgYT1yc2Etc2hhMjU2OyBjPXNpbXBsZS9zaW1wbGU7IGQ9ZXhhbXBsZS5vcmc7DQogaT1AZXhhbXBsZS5vcmc7IHE9ZG5zL3R4dDsgcz1zZWw7IHQ9MTc5NTk4MDk4NDsgaD1mcm9tIDogdG8gOiBzdWJqZWN0DQogOiBkYXRlOyBiaD1Pb1VTOTM2R3o2U1YwS2tNZ2FoTnhJd3FzRDJCZFp0Y2dtUFJwSkxvVGZNPTsNCiBiPUM0c1JxNFE3cjVNVENiUkxGd202bUJOOHk4OU0rdkpqUm5xNFJEbzg4NDNDeUFRblRSbnNkbTFGRE5QNGszOVNPQ3NqYQ0KIG1oR0YyQW5VQVNzOHp6b2ZxeDVyd2dsbFgxMGptcCt2eHh6MDdVaDFvbk0rNWZVZFY0V1BVMFVCRTJEV2FHYXlzYjFqY2l4DQogaWo4Z3VJWFREb084alhhZExyYlJnVTJjSDdiT3Y1Zz0NCkZyb206IEFubiA8YW5uQGV4YW1wbGUub3JnPg0KVG86IGJvYkBleGFtcGxlLm5ldA0KU3ViamVjdDogIEhlbGxvICAgdGhlcmUNCkRhdGU6IFN1biwgMjkgTm92IDIwMjYgMTA6MDA6MDAgKzAwMDANCg0KSGkgQm9iLCAgDQpzZWUgeW91Lg0KDQoNCg==",
        "relaxed/simple":
            "REtJTS1TaWduYXR1cmU6IHY9MTsgYT1yc2Etc2hhMjU2OyBjPXJlbGF4ZWQvc2ltcGxlOyBkPWV4YW1wbGUub3JnOw0KIGk9QGV4YW1wbGUub3JnOyBxPWRucy90eHQ7IHM9c2VsOyB0PTE3OTU5ODA5ODQ7IGg9ZnJvbSA6IHRvIDogc3ViamVjdA0KIDogZGF0ZTsgYmg9T29VUzkzNkd6NlNWMEtrTWdhaE54SXdxc0QyQmRadGNnbVBScEpMb1RmTT07DQogYj1qcnJpT2o2MTlhN0tWS29YdkF3bkluWkdONGFnTG13ZndIaTlRYitSaTR6Q2c2ckZWKzN5K1dqeXczL1JVeWdMZjNTckINCiA0Y0VwOGF5TVpKVVpIdHFRQUs2eXVqNE9CRDBoaUJ4VGFkYVExMTdQSVpUeGJMU25ZdFdIWmpjS1NqT0FZU25HbjZYd0IxaQ0KIHk3RktzTWFJSkhIL2hvNnZKbThWT3RIMnMwa0loZ3c9DQpGcm9tOiBBbm4gPGFubkBleGFtcGxlLm9yZz4NClRvOiBib2JAZXhhbXBsZS5uZXQNClN1YmplY3Q6ICBIZWxsbyAgIHRoZXJlDQpEYXRlOiBTdW4sIDI5IE5vdiAyMDI2IDEwOjAwOjAwICswMDAwDQoNCkhpIEJvYiwgIA0Kc2VlIHlvdS4NCg0KDQo=",
        "simple/relaxed":
            "REtJTS1TaWduYXR1cmU6IHY9MTsgYT1yc2Etc2hhMjU2OyBjPXNpbXBsZS9yZWxheGVkOyBkPWV4YW1wbGUub3JnOw0KIGk9QGV4YW1wbGUub3JnOyBxPWRucy90eHQ7IHM9c2VsOyB0PTE3OTU5ODA5ODQ7IGg9ZnJvbSA6IHRvIDogc3ViamVjdA0KIDogZGF0ZTsgYmg9NzUrZmh0R0lKK2ljejArdkI1ZlBlc1Y5aFlURVVjK29TSzQwc0p4OU5LRT07DQogYj1uMUlNa08vOU1LMW1jZXl0TVh0eG1XV1haUFVkbExDMGVzMGZNVm5Qb09EUStqaUFTODYyczYxRW1OVXU4QjhtckFHeG0NCiBPNDdHQ1VhQjFhaXRDNC95ZFpBRjNBcFdrUmM1WldCQnl2L3VqUkY3NHowcWlaZnBhQkZvWVpkdmxuQkRsUGtwRUZiYmlpNg0KIDBZWGMycFRwNVdqMEdhNmFrMWRYYXZ4WVJWN0pybUk9DQpGcm9tOiBBbm4gPGFubkBleGFtcGxlLm9yZz4NClRvOiBib2JAZXhhbXBsZS5uZXQNClN1YmplY3Q6ICBIZWxsbyAgIHRoZXJlDQpEYXRlOiBTdW4sIDI5IE5vdiAyMDI2IDEwOjAwOjAwICswMDAwDQoNCkhpIEJvYiwgIA0Kc2VlIHlvdS4NCg0KDQo=",
    ]

    @Test(arguments: ["simple/simple", "relaxed/simple", "simple/relaxed"])
    func dkimpySignaturesVerify(_ canonicalization: String) async throws {
        let encoded = try #require(Self.dkimpySigned[canonicalization])
        let raw = try #require(Data(base64Encoded: encoded))
        let keys = Keys(records: ["sel._domainkey.example.org": ["v=DKIM1; k=rsa; p=\(Self.dkimpyKey)"]])
        let outcomes = await DKIMVerifier(lookup: keys, verify: Self.verify).verifyAll(
            Array(raw), now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(outcomes.map(\.result) == [.pass], "\(outcomes.map(\.reason))")
        // One changed byte in the body fails the simple body hash.
        var tampered = Array(raw)
        tampered[tampered.count - 7] ^= 0x01
        let failed = await DKIMVerifier(lookup: keys, verify: Self.verify).verifyAll(tampered, now: Date())
        #expect(failed.map(\.result) == [.fail])
    }
}
