public import ServiceLifecycle

/// The loop of a background service: take a step, then wait on `wake` for as long as the step
/// says (nil: go on at once), until graceful shutdown, which wakes the wait and ends the loop
/// after the step under way, or until the task is cancelled (a service failed at start, or a
/// stop took longer than allowed), which ends it too.
public enum BackgroundLoop {
    public static func run(wake: WakeSignal, _ step: @escaping @Sendable () async -> Duration?) async {
        let stopping = Locked(false)
        await withGracefulShutdownHandler {
            while !stopping.withLock({ $0 }), !Task.isCancelled {
                guard let wait = await step() else { continue }
                await wake.wait(timeout: wait)
            }
        } onGracefulShutdown: {
            stopping.withLock { $0 = true }
            wake.signal()
        }
    }
}
