public import NIOCore

/// Runs the jobs of tasks that prefer it on one NIO event loop.
///
/// Work that starts on an event loop (an SMTP session's message, a SQLite statement's
/// completion) and continues in a task that prefers that loop stays on its thread: no hand-off
/// to the global executor and back, each of which means waking a sleeping thread.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let loop: any EventLoop

    public init(_ loop: any EventLoop) {
        self.loop = loop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
