import CometCore
import CometProtocol
import Foundation
import Synchronization
import Testing

@testable import CometBroker

@Suite("Metadata files: serialized, batched writes")
struct MetadataFileTests {
    private func temporaryPath() -> String {
        NSTemporaryDirectory() + "comet-metadata-\(UInt64.random(in: 0...UInt64.max))/file.json"
    }

    @Test("Changes inside a batch write the file once, with the last state")
    func batchWritesOnce() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let file = MetadataFile(path: path)
        let snapshots = Mutex(0)
        let value = Mutex(0)
        try MetadataFile.batched {
            for i in 1...1000 {
                value.withLock { $0 = i }
                try file.changed {
                    snapshots.withLock { $0 += 1 }
                    return .object(["value": .int(Int64(value.withLock { $0 }))])
                }
            }
        }
        #expect(snapshots.withLock { $0 } == 1)
        let stored = try #require(try JSONFile.read(path))
        #expect(stored == .object(["value": .int(1000)]))
    }

    @Test("Concurrent changes are written one at a time and the file ends with the last state")
    func concurrentWrites() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let file = MetadataFile(path: path)
        let state = WriteState()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    state.counter.withLock { $0 += 1 }
                    try file.changed {
                        state.writers.withLock {
                            $0.current += 1
                            $0.most = max($0.most, $0.current)
                        }
                        defer { state.writers.withLock { $0.current -= 1 } }
                        return .object(["count": .int(Int64(state.counter.withLock { $0 }))])
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(state.writers.withLock { $0.most } == 1, "one writer at a time")
        #expect(try JSONFile.read(path) == .object(["count": .int(64)]))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }
}

/// Counters shared by the tasks of a test.
private final class WriteState: Sendable {
    let counter = Mutex(0)
    let writers = Mutex((current: 0, most: 0))
}
