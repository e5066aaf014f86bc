import HummingbirdBcrypt
import NIOPosix

/// bcrypt, run on NIO's blocking thread pool: a hash at cost 10 takes about 0.1 s of CPU, which
/// must not stall an event loop (Swift concurrency runs on them here) serving other clients.
public enum PasswordHashing {
    public static func hash(_ password: String, cost: UInt8) async -> String {
        await BlockingWork.run { Bcrypt.hash(password, cost: cost) }
    }

    public static func verify(_ password: String, hash: String) async -> Bool {
        await BlockingWork.run { Bcrypt.verify(password, hash: hash) }
    }
}

/// CPU-heavy work (bcrypt, RSA key generation and signatures) runs on NIO's blocking thread
/// pool, never on an event loop: Swift concurrency runs on the event loops here, and a 100 ms
/// computation there would stall every connection the loop serves.
public enum BlockingWork {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await NIOThreadPool.singleton.runIfActive(work)
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            // Only while the process shuts down: do the work here rather than fail it.
            return try work()
        }
    }

    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        (try? await NIOThreadPool.singleton.runIfActive(work)) ?? work()
    }
}
