import Foundation
import SesameFuzzTargets
import Testing

/// Every saved fuzzing input (`Fuzz/corpus/TARGET`) and every crash ever found
/// (`Fuzz/crashes/TARGET`) goes through its parser again: none may trap. A trap stops the test
/// process, which fails the run.
@Suite struct CorpusReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ target: FuzzTarget, _ folder: String) -> [URL] {
        let directory = root.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func corpusAndCrashesReplay(_ target: FuzzTarget) async throws {
        let corpus = Self.inputs(target, "corpus")
        #expect(!corpus.isEmpty, "Fuzz/corpus/\(target.rawValue) has no seeds")
        for file in corpus + Self.inputs(target, "crashes") {
            await target.runAsync(Array(try Data(contentsOf: file)))
        }
    }
}
