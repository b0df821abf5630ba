import CometClient
import CometConnect
import Foundation
import Logging
import Synchronization
import Testing

/// Records what a tailer delivers; can be told to fail, like a broker that is down.
final class Recorder: Sendable {
    let messages = Mutex<[Message]>([])
    let failing = Atomic<Bool>(false)
    let failures = Atomic<Int>(0)

    var bodies: [String] { messages.withLock { $0.map { String(decoding: $0.body, as: UTF8.self) } } }

    func deliver(_ batch: [Message]) async throws {
        if failing.load(ordering: .relaxed) {
            failures.add(1, ordering: .relaxed)
            throw ClientError(.timeout, "broker down (test)")
        }
        messages.withLock { $0 += batch }
    }

    func wait(for count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while messages.withLock({ $0.count }) < count {
            guard ContinuousClock.now < deadline else {
                Issue.record("only \(bodies.count) of \(count) lines arrived: \(bodies)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Runs a tailer over files in a fresh folder until `body` returns.
func withTailer(
    _ configure: (inout TailConfiguration) -> Void = { _ in },
    _ body: (String, Recorder) async throws -> Void
) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("comet-tail-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var configuration = TailConfiguration(patterns: [folder + "/*.log"], topic: "Logs", host: "test-host")
    configuration.pollInterval = .milliseconds(10)
    configuration.scanInterval = .milliseconds(50)
    configuration.fromBeginning = true
    configuration.statePath = folder + "/tail.state"
    configure(&configuration)
    let recorder = Recorder()
    let tailer = try FileTailer(configuration: configuration, logger: Logger(label: "test")) { batch in
        try await recorder.deliver(batch)
    }
    let running = Task { try await tailer.run() }
    do {
        try await body(folder, recorder)
    } catch {
        running.cancel()
        _ = try? await running.value
        throw error
    }
    running.cancel()
    try await running.value
}

func append(_ path: String, _ text: String) throws {
    if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
    try handle.close()
}

@Suite("Following files", .timeLimit(.minutes(1)))
struct FileTailerTests {
    @Test("Lines are sent once each, with source properties and a UNIQ_KEY made of the line position")
    func linesAndProperties() async throws {
        try await withTailer { folder, recorder in
            try append(folder + "/app.log", "one\ntwo\n")
            try await recorder.wait(for: 2)
            try append(folder + "/app.log", "three\nfour")  // "four" is incomplete: held back
            try await recorder.wait(for: 3)
            try await Task.sleep(for: .milliseconds(100))
            #expect(recorder.bodies == ["one", "two", "three"])
            let first = try #require(recorder.messages.withLock { $0.first })
            #expect(first.topic == "Logs")
            #expect(first.properties["source_path"] == folder + "/app.log")
            #expect(first.properties["source_host"] == "test-host")
            #expect(first.properties["source_offset"] == "0")
            let keys = recorder.messages.withLock { $0.map { $0.properties["UNIQ_KEY"]! } }
            #expect(Set(keys).count == 3 && keys.allSatisfy { $0.count == 32 })
            #expect(keys.map { $0.suffix(16) } == ["0000000000000000", "0000000000000004", "0000000000000008"])
        }
    }

    @Test("Rename rotation: the old file is read to its end, then the new file from its start")
    func renameRotation() async throws {
        try await withTailer { folder, recorder in
            let path = folder + "/app.log"
            try append(path, "a1\na2\n")
            try await recorder.wait(for: 2)
            try FileManager.default.moveItem(atPath: path, toPath: folder + "/app.log.1")
            try append(folder + "/app.log.1", "a3\n")  // the writer has not reopened yet
            try append(path, "b1\nb2\n")
            try await recorder.wait(for: 5)
            #expect(Set(recorder.bodies) == ["a1", "a2", "a3", "b1", "b2"])
            #expect(recorder.bodies.count == 5)
        }
    }

    @Test("Copy-truncate: after the file is emptied, new lines are read from the start with new ids")
    func copyTruncate() async throws {
        try await withTailer { folder, recorder in
            let path = folder + "/app.log"
            try append(path, "old-1\nold-2\n")
            try await recorder.wait(for: 2)
            truncate(path, 0)
            try await Task.sleep(for: .milliseconds(100))
            try append(path, "new-1\n")
            try await recorder.wait(for: 3)
            #expect(recorder.bodies == ["old-1", "old-2", "new-1"])
            let keys = recorder.messages.withLock { $0.map { $0.properties["UNIQ_KEY"]! } }
            #expect(keys[0] != keys[2], "same offset 0, but another generation")
        }
    }

    @Test("While deliveries fail nothing is lost or skipped; sending resumes with the same lines")
    func brokerDown() async throws {
        try await withTailer { folder, recorder in
            recorder.failing.store(true, ordering: .relaxed)
            try append(folder + "/app.log", "x1\nx2\n")
            let deadline = ContinuousClock.now + .seconds(5)
            while recorder.failures.load(ordering: .relaxed) < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(recorder.failures.load(ordering: .relaxed) >= 2)
            recorder.failing.store(false, ordering: .relaxed)
            try await recorder.wait(for: 2)
            #expect(recorder.bodies == ["x1", "x2"])
        }
    }

    @Test("A restart resumes after the acknowledged lines, and finds a file rotated meanwhile")
    func restartWithState() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("comet-tail-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sameFolder: (inout TailConfiguration) -> Void = {
            $0.patterns = [folder + "/*.log"]
            $0.statePath = folder + "/state"
        }
        try await withTailer(sameFolder) { _, recorder in
            try append(folder + "/app.log", "1\n2\n")
            try await recorder.wait(for: 2)
        }
        // While stopped: more lines, then rotation by rename, then a new file.
        try append(folder + "/app.log", "3\n")
        try FileManager.default.moveItem(atPath: folder + "/app.log", toPath: folder + "/app.log.old")
        try append(folder + "/app.log", "4\n")
        try await withTailer(sameFolder) { _, recorder in
            try await recorder.wait(for: 2)
            try await Task.sleep(for: .milliseconds(100))
            #expect(Set(recorder.bodies) == ["3", "4"])
            #expect(recorder.bodies.count == 2)
        }
    }

    @Test("Multiline events, keys from a regular expression and tags and keys from JSON fields")
    func multilineAndKeys() async throws {
        let multiline: (inout TailConfiguration) -> Void = {
            $0.multilineStart = "^\\d{4} "
            $0.keyPattern = "user=(\\w+)"
        }
        try await withTailer(multiline) { folder, recorder in
            try append(folder + "/app.log", "2026 failed user=ann\n  at f()\n2026 ok user=bob\n")
            try await recorder.wait(for: 2)  // the second event closes after the idle timeout
            let messages = recorder.messages.withLock { $0 }
            #expect(
                messages.map { String(decoding: $0.body, as: UTF8.self) } == [
                    "2026 failed user=ann\n  at f()", "2026 ok user=bob",
                ])
            #expect(messages.map(\.keys) == [["ann"], ["bob"]])
        }
        let json: (inout TailConfiguration) -> Void = {
            $0.jsonTag = "level"
            $0.jsonKey = "id"
            $0.tag = "plain"
        }
        try await withTailer(json) { folder, recorder in
            try append(folder + "/app.log", #"{"level":"error","id":42}"# + "\nnot json\n")
            try await recorder.wait(for: 2)
            let messages = recorder.messages.withLock { $0 }
            #expect(messages.map(\.tags) == ["error", "plain"])
            #expect(messages.map(\.keys) == [["42"], []])
        }
    }
}
