package import CometCore
package import CometProtocol
import Synchronization

/// One of the broker's metadata files (`topics.json`, `subscriptionGroup.json`, ...), written
/// by one writer at a time and in batches.
///
/// Before, every change rewrote and fsynced the whole file on the caller's thread, concurrently
/// with other callers sharing the same `.tmp` path: two writers could rename each other's half
/// files, and a heartbeat naming 1,000 new groups wrote the file 2,000 times. Now:
/// - writes are serialized, and a caller whose change a later snapshot already covers returns
///   without writing again (group commit: many concurrent changes, one write);
/// - inside ``batched(_:)`` changes only mark the file dirty, and the batch writes each dirty
///   file once when it ends, before the request is answered.
package final class MetadataFile: Sendable {
    /// The batch the current task is running in, if any.
    @TaskLocal static var currentBatch: Batch?

    private struct Tickets {
        /// Changes announced so far (one ticket each).
        var requested: UInt64 = 0
        /// Every change up to this ticket is on disk.
        var written: UInt64 = 0
    }

    package let path: String
    private let tickets = Mutex(Tickets())
    /// Held while writing: one writer at a time.
    private let writer = Mutex(())

    package init(path: String) {
        self.path = path
    }

    /// Persists a change: `snapshot` is taken after the change was made and describes the whole
    /// file. Inside ``batched(_:)`` the write is deferred to the end of the batch.
    package func changed(_ snapshot: @escaping @Sendable () -> JSONValue) throws(CometError) {
        if let batch = Self.currentBatch {
            batch.add(self, snapshot)
            return
        }
        try write(snapshot)
    }

    /// Writes `snapshot()` unless a write that started after this call already covered it.
    func write(_ snapshot: () -> JSONValue) throws(CometError) {
        let ticket = tickets.withLock { tickets in
            tickets.requested += 1
            return tickets.requested
        }
        try writer.withLock { _ throws(CometError) in
            let target = tickets.withLock { tickets -> UInt64? in
                tickets.written >= ticket ? nil : tickets.requested
            }
            // Taken after `target` was read, so it includes every change announced up to it.
            guard let target else { return }
            try JSONFile.write(snapshot(), to: path)
            tickets.withLock { $0.written = max($0.written, target) }
        }
    }

    /// Runs `body` with metadata writes deferred, then writes each changed file once.
    package static func batched<T>(_ body: () throws -> T) throws -> T {
        let batch = Batch()
        let result: T
        do {
            result = try $currentBatch.withValue(batch) { try body() }
        } catch {
            // Changes made before the failure are in memory: they must reach the disk too.
            try? batch.flush()
            throw error
        }
        try batch.flush()
        return result
    }

    /// Files changed inside one ``MetadataFile/batched(_:)`` scope.
    final class Batch: Sendable {
        private let pending = Mutex<[(MetadataFile, @Sendable () -> JSONValue)]>([])

        func add(_ file: MetadataFile, _ snapshot: @escaping @Sendable () -> JSONValue) {
            pending.withLock { pending in
                if let index = pending.firstIndex(where: { $0.0 === file }) {
                    pending[index].1 = snapshot
                } else {
                    pending.append((file, snapshot))
                }
            }
        }

        func flush() throws(CometError) {
            let files = pending.withLock { pending in
                defer { pending.removeAll() }
                return pending
            }
            var failure: CometError?
            for (file, snapshot) in files {
                do {
                    try file.write(snapshot)
                } catch {
                    failure = failure ?? error
                }
            }
            if let failure { throw failure }
        }
    }
}
