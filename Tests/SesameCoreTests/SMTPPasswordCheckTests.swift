import Foundation
import Testing

@testable import SesameCore

@Suite("SMTP password check and failure diagnosis")
struct SMTPPasswordCheckTests {
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    @Test("a version 4 password matches in its region; the session acts there")
    func v4() {
        let password = SMTPPassword.derive(secret: secret, region: "eu-west-1", version: .v4)
        #expect(
            SMTPPasswordCheck.check(password: password, secret: secret, servedRegions: ["us-east-1", "eu-west-1"])
                == .match(version: .v4, region: "eu-west-1"))
    }

    @Test("a version 2 password matches whatever regions are served")
    func v2() {
        let password = SMTPPassword.derive(secret: secret, region: "", version: .v2)
        #expect(
            SMTPPasswordCheck.check(password: password, secret: secret, servedRegions: ["ap-south-1"]) == .match(version: .v2, region: nil))
    }

    @Test(
        "mistakes are told apart",
        arguments: [
            ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SMTPAuthDiagnosis.secretKeyUsed),
            ("hunter2", .notAnSMTPPassword),
            ("BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", .wrongPassword),
            ("BAAAA", .notAnSMTPPassword),
        ])
    func mistakes(password: String, diagnosis: SMTPAuthDiagnosis) {
        guard case .mismatch(let found, _) = SMTPPasswordCheck.check(password: password, secret: secret, servedRegions: ["us-east-1"])
        else {
            Issue.record("matched")
            return
        }
        #expect(found == diagnosis)
    }

    @Test("a version 4 password for a region not served names that region")
    func otherRegion() {
        let password = SMTPPassword.derive(secret: secret, region: "ap-northeast-1", version: .v4)
        #expect(
            SMTPPasswordCheck.check(password: password, secret: secret, servedRegions: ["us-east-1"])
                == .mismatch(.regionNotServed, detail: "ap-northeast-1"))
    }

    @Test("another key's SMTP password is a wrong password")
    func wrong() {
        let password = SMTPPassword.derive(secret: "another/secret/key/another/secret/key/12", region: "us-east-1", version: .v4)
        #expect(
            SMTPPasswordCheck.check(password: password, secret: secret, servedRegions: ["us-east-1"])
                == .mismatch(.wrongPassword, detail: nil))
    }

    @Test("access key ID shape")
    func keyShape() {
        #expect(SMTPPasswordCheck.looksLikeAccessKeyID("AKIAIOSFODNN7EXAMPLE"))
        #expect(!SMTPPasswordCheck.looksLikeAccessKeyID("ses-smtp-user.20261123-101500"))
    }

    @Test("every diagnosis explains itself")
    func explanations() {
        for diagnosis in SMTPAuthDiagnosis.allCases {
            let failure = SMTPAuthFailure(
                time: .now, sourceAddress: "127.0.0.1", username: "u", accessKeyID: nil, userName: nil, diagnosis: diagnosis)
            #expect(failure.explanation.count > 40)
        }
    }
}
