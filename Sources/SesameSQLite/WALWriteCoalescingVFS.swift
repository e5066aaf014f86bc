import VaporCSQLite

/// A VFS over SQLite's own `unix` VFS that gathers the writes to a write-ahead log and hands
/// them to the kernel as one write when SQLite syncs the log (or reads it, or anything else).
///
/// Why: SQLite writes each WAL frame as two writes (its 24-byte header, then the page), so a
/// commit of five messages was about twenty `pwrite` calls before its `fsync`. On a virtual
/// machine a system call costs microseconds, and those writes were a tenth of the CPU spent per
/// message. Nothing changes on disk: the same bytes land at the same offsets before the same
/// `fsync`, and SQLite never counts on a write being durable before it syncs.
///
/// Safe only where every commit syncs the log (`PRAGMA synchronous = FULL`): other connections
/// learn of new frames from the WAL index, which SQLite updates after that sync, by which time
/// the buffered bytes are in the file. `SQLiteRowWriter`, the one user, sets FULL.
/// Files other than the log pass straight through.
enum WALWriteCoalescingVFS {
    static let name = "sesame-wal-coalescing"

    /// Registers the VFS once per process; nil when SQLite has no default VFS to build on.
    static let registered: String? = {
        guard let base = sqlite_nio_sqlite3_vfs_find(nil) else { return nil }
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        // Every other method and pAppData (which the unix methods read) are the base's own.
        vfs.pointee = base.pointee
        vfs.pointee.pNext = nil
        vfs.pointee.zName = UnsafePointer(strdupName(name))
        vfs.pointee.szOsFile = Int32(headerSize) + base.pointee.szOsFile
        vfs.pointee.xOpen = shimOpen
        baseVFS = base
        guard sqlite_nio_sqlite3_vfs_register(vfs, 0) == SQLITE_OK else { return nil }
        return name
    }()

    /// Drops what is held for `db`'s log. Called after a ROLLBACK: held frames then belong to the
    /// rolled-back transaction, SQLite never reads them, and written out later, once the write
    /// lock is gone, they could land on frames another connection has committed since.
    static func discardPending(_ db: OpaquePointer) {
        var log: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite_nio_sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &log) == SQLITE_OK, let log,
            log.pointee.pMethods == UnsafePointer(coalescingMethods), let pending = buffer(log)
        else { return }
        pending.bytes.removeAll(keepingCapacity: true)
    }

    private static func strdupName(_ text: String) -> UnsafeMutablePointer<CChar> {
        let bytes = Array(text.utf8CString)
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        copy.initialize(from: bytes, count: bytes.count)
        return copy
    }
}

/// The `unix` VFS. Set once, before the coalescing VFS is registered (and so before any use).
nonisolated(unsafe) private var baseVFS: UnsafeMutablePointer<sqlite3_vfs>!

/// A file of this VFS in memory: `pMethods`, the buffer (for a WAL file, else nil), then the
/// base VFS's own file structure.
private let headerSize = 16

private func realFile(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<sqlite3_file> {
    (UnsafeMutableRawPointer(file) + headerSize).assumingMemoryBound(to: sqlite3_file.self)
}

private func bufferSlot(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<UnsafeMutableRawPointer?> {
    (UnsafeMutableRawPointer(file) + 8).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
}

private func buffer(_ file: UnsafeMutablePointer<sqlite3_file>) -> PendingWrites? {
    bufferSlot(file).pointee.map { Unmanaged<PendingWrites>.fromOpaque($0).takeUnretainedValue() }
}

private func realMethods(_ file: UnsafeMutablePointer<sqlite3_file>) -> sqlite3_io_methods {
    realFile(file).pointee.pMethods.pointee
}

/// Bytes written to a WAL file and not yet handed to the kernel: one contiguous run.
private final class PendingWrites {
    var bytes: [UInt8] = []
    var start: Int64 = 0
    /// Beyond this the run is written out at once, so a large transaction holds little memory.
    static let limit = 256 * 1024
    /// The most handed to the unix VFS in one write.
    static let piece = 64 * 1024

    init() { bytes.reserveCapacity(64 * 1024) }

    var end: Int64 { start + Int64(bytes.count) }
}

/// Writes out what is pending, in pieces of at most 64 KiB (the unix VFS writes at most
/// 128 KiB - 1 bytes per call: it masks the count, so a larger write would come up short);
/// a commit's frames are usually one piece. Pending bytes are dropped either way, and an error
/// is SQLite's to report (the commit that syncs next fails).
private func flush(_ file: UnsafeMutablePointer<sqlite3_file>) -> Int32 {
    guard let pending = buffer(file), !pending.bytes.isEmpty else { return SQLITE_OK }
    let real = realFile(file)
    let write = realMethods(file).xWrite!
    defer { pending.bytes.removeAll(keepingCapacity: true) }
    return pending.bytes.withUnsafeBytes { bytes in
        var offset = 0
        while offset < bytes.count {
            let count = min(PendingWrites.piece, bytes.count - offset)
            let result = write(real, bytes.baseAddress! + offset, Int32(count), pending.start + Int64(offset))
            guard result == SQLITE_OK else { return result }
            offset += count
        }
        return SQLITE_OK
    }
}

/// Calls the base VFS's method on the file once what is pending has been written.
private func afterFlush(
    _ file: UnsafeMutablePointer<sqlite3_file>?, _ call: (sqlite3_io_methods, UnsafeMutablePointer<sqlite3_file>) -> Int32
) -> Int32 {
    guard let file else { return SQLITE_MISUSE }
    let flushed = flush(file)
    guard flushed == SQLITE_OK else { return flushed }
    return call(realMethods(file), realFile(file))
}

/// Calls the base VFS's method on the file as it is (locks and shared memory: nothing to write first).
private func passed(
    _ file: UnsafeMutablePointer<sqlite3_file>?, _ call: (sqlite3_io_methods, UnsafeMutablePointer<sqlite3_file>) -> Int32
) -> Int32 {
    guard let file else { return SQLITE_MISUSE }
    return call(realMethods(file), realFile(file))
}

private let shimOpen:
    @convention(c) (
        UnsafeMutablePointer<sqlite3_vfs>?, sqlite3_filename?, UnsafeMutablePointer<sqlite3_file>?, Int32, UnsafeMutablePointer<Int32>?
    ) -> Int32 = { _, name, file, flags, outFlags in
        guard let file else { return SQLITE_MISUSE }
        let real = realFile(file)
        bufferSlot(file).pointee = nil
        let result = baseVFS.pointee.xOpen!(baseVFS, name, real, flags, outFlags)
        // SQLite calls xClose exactly when pMethods is set, even if the open failed.
        guard real.pointee.pMethods != nil else {
            file.pointee.pMethods = nil
            return result
        }
        if flags & SQLITE_OPEN_WAL != 0 {
            bufferSlot(file).pointee = Unmanaged.passRetained(PendingWrites()).toOpaque()
        }
        file.pointee.pMethods = UnsafePointer(coalescingMethods)
        return result
    }

nonisolated(unsafe) private let coalescingMethods: UnsafeMutablePointer<sqlite3_io_methods> = {
    let methods = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
    methods.initialize(to: sqlite3_io_methods())
    methods.pointee.iVersion = 3
    methods.pointee.xClose = { file in
        guard let file else { return SQLITE_MISUSE }
        let flushed = flush(file)
        let closed = realMethods(file).xClose!(realFile(file))
        if let slot = bufferSlot(file).pointee {
            Unmanaged<PendingWrites>.fromOpaque(slot).release()
            bufferSlot(file).pointee = nil
        }
        return flushed != SQLITE_OK ? flushed : closed
    }
    methods.pointee.xRead = { file, data, amount, offset in afterFlush(file) { $0.xRead!($1, data, amount, offset) } }
    methods.pointee.xWrite = { file, data, amount, offset in
        guard let file else { return SQLITE_MISUSE }
        guard let pending = buffer(file) else { return realMethods(file).xWrite!(realFile(file), data, amount, offset) }
        if !pending.bytes.isEmpty && offset != pending.end {
            let flushed = flush(file)
            guard flushed == SQLITE_OK else { return flushed }
        }
        if pending.bytes.isEmpty { pending.start = offset }
        if let data, amount > 0 {
            pending.bytes.append(contentsOf: UnsafeRawBufferPointer(start: data, count: Int(amount)))
        }
        return pending.bytes.count >= PendingWrites.limit ? flush(file) : SQLITE_OK
    }
    methods.pointee.xTruncate = { file, size in afterFlush(file) { $0.xTruncate!($1, size) } }
    methods.pointee.xSync = { file, flags in afterFlush(file) { $0.xSync!($1, flags) } }
    methods.pointee.xFileSize = { file, size in afterFlush(file) { $0.xFileSize!($1, size) } }
    methods.pointee.xFileControl = { file, op, argument in afterFlush(file) { $0.xFileControl!($1, op, argument) } }
    methods.pointee.xLock = { file, level in passed(file) { $0.xLock!($1, level) } }
    methods.pointee.xUnlock = { file, level in passed(file) { $0.xUnlock!($1, level) } }
    methods.pointee.xCheckReservedLock = { file, out in passed(file) { $0.xCheckReservedLock!($1, out) } }
    methods.pointee.xSectorSize = { file in passed(file) { $0.xSectorSize!($1) } }
    methods.pointee.xDeviceCharacteristics = { file in passed(file) { $0.xDeviceCharacteristics!($1) } }
    methods.pointee.xShmMap = { file, page, pageSize, extend, out in
        passed(file) { $0.xShmMap?($1, page, pageSize, extend, out) ?? SQLITE_IOERR }
    }
    methods.pointee.xShmLock = { file, offset, count, flags in passed(file) { $0.xShmLock?($1, offset, count, flags) ?? SQLITE_IOERR } }
    methods.pointee.xShmBarrier = { file in
        _ = passed(file) {
            $0.xShmBarrier?($1); return SQLITE_OK
        }
    }
    methods.pointee.xShmUnmap = { file, delete in passed(file) { $0.xShmUnmap?($1, delete) ?? SQLITE_OK } }
    methods.pointee.xFetch = { file, offset, amount, out in
        afterFlush(file) { methods, real in
            guard let fetch = methods.xFetch else {
                out?.pointee = nil
                return SQLITE_OK
            }
            return fetch(real, offset, amount, out)
        }
    }
    methods.pointee.xUnfetch = { file, offset, pointer in passed(file) { $0.xUnfetch?($1, offset, pointer) ?? SQLITE_OK } }
    return methods
}()
