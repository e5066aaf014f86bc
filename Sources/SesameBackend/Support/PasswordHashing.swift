import HummingbirdBcrypt
import NIOPosix

/// bcrypt, run on NIO's blocking thread pool: a hash at cost 10 takes about 0.1 s of CPU, which
/// must not stall an event loop (Swift concurrency runs on them here) serving other clients.
public enum PasswordHashing {
    public static func hash(_ password: String, cost: UInt8) async -> String {
        await offLoop { Bcrypt.hash(password, cost: cost) } ?? Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) async -> Bool {
        await offLoop { Bcrypt.verify(password, hash: hash) } ?? Bcrypt.verify(password, hash: hash)
    }

    /// Runs `work` on the blocking pool; nil only if the pool has shut down.
    static func offLoop<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T? {
        try? await NIOThreadPool.singleton.runIfActive(work)
    }
}
