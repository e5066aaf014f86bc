import Foundation
import Testing

@testable import SesameCore

@Suite struct DNSVerificationTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let schedule = DNSVerificationState.Schedule(interval: 60)
    func found(_ txt: Bool, _ dkim: Bool, _ mx: Bool?) -> DNSVerificationState.Findings {
        .init(verificationRecord: txt, dkimRecords: dkim, mailFromMX: mx)
    }

    @Test func pendingRecordsAreLookedForOftenThenLessOftenThenFail() {
        var state = DNSVerificationState(now: start, dkim: true, mailFrom: false)
        state = state.advanced(by: found(false, false, nil), now: start.addingTimeInterval(60), schedule: schedule)
        #expect(state.verification == .pending && state.dkim == .pending && state.mailFrom == nil)
        #expect(state.nextCheckAt == start.addingTimeInterval(120))  // every minute in the first hour
        state = state.advanced(by: found(false, false, nil), now: start.addingTimeInterval(7200), schedule: schedule)
        #expect(state.nextCheckAt == start.addingTimeInterval(7200 + 900))  // then every 15 minutes
        state = state.advanced(by: found(false, false, nil), now: start.addingTimeInterval(72 * 3600), schedule: schedule)
        #expect(state.verification == .failed && state.dkim == .failed && state.nextCheckAt == nil)
        #expect(state.identityStatus == .failed)
    }

    @Test func dkimRecordsVerifyTheDomainAndFoundRecordsAreCheckedDaily() {
        var state = DNSVerificationState(now: start, dkim: true, mailFrom: true)
        state = state.advanced(by: found(false, true, false), now: start.addingTimeInterval(10), schedule: schedule)
        #expect(state.verification == .success && state.dkim == .success && state.mailFrom == .pending)
        #expect(state.identityStatus == .success && state.nextCheckAt == start.addingTimeInterval(70))
        state = state.advanced(by: found(false, true, true), now: start.addingTimeInterval(20), schedule: schedule)
        #expect(state.mailFrom == .success && state.nextCheckAt == start.addingTimeInterval(20 + 86_400))
    }

    @Test func missingRecordsAreATemporaryFailureThatStillSendsUntilItFails() {
        var state = DNSVerificationState(now: start, dkim: false, mailFrom: false)
        state = state.advanced(by: found(true, false, nil), now: start, schedule: schedule)
        #expect(state.verification == .success && state.dkim == .notStarted)
        let gone = start.addingTimeInterval(86_400)
        state = state.advanced(by: found(false, false, nil), now: gone, schedule: schedule)
        #expect(state.verification == .temporaryFailure && state.identityStatus == .success && state.verificationSince == gone)
        let back = state.advanced(by: found(true, false, nil), now: gone.addingTimeInterval(60), schedule: schedule)
        #expect(back.verification == .success)
        let failed = state.advanced(by: found(false, false, nil), now: gone.addingTimeInterval(72 * 3600), schedule: schedule)
        #expect(failed.verification == .failed && failed.identityStatus == .failed && failed.nextCheckAt == nil)
        #expect(DNSVerificationState.stored(failed.storedJSON) == failed)
    }
}
