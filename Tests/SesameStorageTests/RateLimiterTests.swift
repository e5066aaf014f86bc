import Testing

@testable import SesameBackend

@Suite struct RateLimiterTests {
    @Test func bucketAdmitsTheRateAndRefills() async throws {
        let limiter = RateLimiter()
        #expect(limiter.admit(region: "r", count: 2, perSecond: 2))
        #expect(!limiter.admit(region: "r", count: 1, perSecond: 2))
        #expect(limiter.admit(region: "other", count: 1, perSecond: 2))
        try await Task.sleep(for: .milliseconds(1100))
        #expect(limiter.admit(region: "r", count: 2, perSecond: 2))
        #expect(limiter.admit(region: "r", count: 5, perSecond: -1))
    }
}
