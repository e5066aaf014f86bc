import Foundation
import SesameFuzzTargets

// `sesame-fuzz TARGET [libFuzzer options] [CORPUS_DIR…]` (or SESAME_FUZZ_TARGET=TARGET). Built by scripts/fuzz with
// `-sanitize=fuzzer -DFUZZING`, it is a libFuzzer binary; built normally, it replays the files
// and folders it is given through the target (what a found crash looks like without the fuzzer).

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The target libFuzzer's C callback runs (it cannot capture context); set once before fuzzing.
nonisolated(unsafe) var selectedTarget = FuzzTarget.smtp
#endif

@main
struct SesameFuzz {
    static func main() {
        // The target comes from SESAME_FUZZ_TARGET or the first argument. libFuzzer re-runs this
        // program with its own arguments only (to merge or fork), so scripts/fuzz sets the variable.
        var arguments = CommandLine.arguments
        if let name = ProcessInfo.processInfo.environment["SESAME_FUZZ_TARGET"], arguments.dropFirst().first != name {
            arguments.insert(name, at: 1)
        }
        guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("usage: sesame-fuzz TARGET [options] [CORPUS…]\n  TARGET: one of \(names)\n".utf8))
            exit(2)
        }
        #if FUZZING
        selectedTarget = target
        // libFuzzer sees the program name and everything after the target.
        var cArguments: [UnsafeMutablePointer<CChar>?] = ([arguments[0]] + arguments.dropFirst(2)).map { strdup($0) } + [nil]
        var argc = CInt(cArguments.count - 1)
        let status = cArguments.withUnsafeMutableBufferPointer { buffer -> CInt in
            var argv = buffer.baseAddress
            return LLVMFuzzerRunDriver(&argc, &argv) { data, count in
                selectedTarget.run(data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? [])
                return 0
            }
        }
        exit(status)
        #else
        var count = 0
        for path in arguments.dropFirst(2) {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                target.run(Array(data))
                count += 1
            }
        }
        print("\(target.rawValue): \(count) inputs replayed, none trapped")
        #endif
    }

    static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { "\(path)/\($0)" }
    }
}
