import Testing

@testable import SesameConcurrency

/// Background work ends when its task is cancelled: a service group cancels every service when one
/// fails at start, or when a stop takes longer than allowed, and waits for them all to return.
@Suite struct CancellationTests {
    @Test func aWaitReturnsAtOnceWhenItsTaskIsCancelled() async throws {
        let signal = WakeSignal()
        let started = ContinuousClock.now
        let waiting = Task { await signal.wait(timeout: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await waiting.value
        #expect(ContinuousClock.now - started < .seconds(5))
        // Already cancelled: no wait at all.
        let late = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await signal.wait(timeout: .seconds(60))
        }
        await late.value
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aBackgroundLoopEndsWhenItsTaskIsCancelled() async throws {
        let steps = Locked(0)
        let started = ContinuousClock.now
        let loop = Task {
            await BackgroundLoop.run(wake: WakeSignal()) {
                steps.withLock { $0 += 1 }
                return .seconds(60)
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        loop.cancel()
        await loop.value
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(steps.withLock { $0 } == 1)
    }
}
