import CometCore

/// Runs `body`, failing with a `.timeout` ``CometError`` if it takes longer than `limit`, so a test
/// step that would hang fails instead (and cancels `body`).
package func withTimeout<T: Sendable>(
    _ limit: Duration, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw CometError(.timeout, "test step took longer than \(limit)")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// Waits until `condition` holds, checking after each scheduler turn; fails after `limit`.
/// For conditions another task makes true without a way to be notified (counters in state machines).
package func waitUntil(
    _ limit: Duration = .seconds(5), _ condition: @escaping @Sendable () -> Bool
) async throws {
    try await withTimeout(limit) {
        while !condition() {
            try Task.checkCancellation()
            await Task.yield()
        }
    }
}
