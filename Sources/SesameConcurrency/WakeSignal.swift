import Foundation

/// Wakes one sleeper when there is new work (the queue manager after a commit with queue
/// rows). A signal with nobody waiting is remembered, so it is never lost.
public final class WakeSignal: Sendable {
    struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    let state = Locked(State())

    public init() {}

    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns at the next signal (at once if one is pending) or after `timeout`. A spurious
    /// return is possible; callers look for work anyway.
    /// Returns at once when the calling task is cancelled (a loop then sees it and ends).
    public func wait(timeout: Duration) async {
        let sleeper = Task {
            try? await Task.sleep(for: timeout)
            self.signal()
        }
        defer { sleeper.cancel() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.signal()
        }
    }
}
