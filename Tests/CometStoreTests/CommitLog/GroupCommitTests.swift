import CometCore
import CometStore
import CometTestSupport
import Testing

@Suite("Group commit")
struct GroupCommitTests {
    @Test(
        "Appends answered through whenFlushed are durable before the callback, in sync and async mode",
        arguments: [FlushMode.sync, .async])
    func whenFlushedAfterAppend(flushMode: FlushMode) async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await MessageStore.open(configuration: testConfiguration(directory, flushMode: flushMode))
            let outcomes = try await withThrowingTaskGroup(of: PutMessageStatus.self) { group in
                for worker in 0..<32 {
                    let appended = try store.appendMessages([
                        StoreTestMessages.make(queueID: Int32(worker % 4), index: worker)
                    ])
                    let end = appended[0].physicalOffset + Int64(appended[0].size)
                    group.addTask {
                        let status = try await withCheckedThrowingContinuation {
                            (continuation: CheckedContinuation<PutMessageStatus, any Error>) in
                            store.whenFlushed(appended) { continuation.resume(with: $0.mapError { $0 }) }
                        }
                        // Sync mode: the callback comes only once a flush covers the record.
                        if flushMode == .sync { #expect(store.commitLogFlushedOffset >= end) }
                        return status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.count == 32)
            #expect(outcomes.allSatisfy { $0 == .putOK })
            await store.shutdown()
        }
    }
}
