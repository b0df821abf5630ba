import Synchronization

/// A value that becomes known once (a server's bound address, "the store is open") and that any
/// number of tasks can wait for without polling.
///
/// The first ``succeed(_:)`` or ``fail(_:)`` wins; later calls are ignored, so a service can fail
/// its latch on every exit path without checking whether it already succeeded. A waiting task that
/// is cancelled stops waiting with `CancellationError`.
package final class Latch<Value: Sendable>: Sendable {
    private enum State {
        case waiting([Int: CheckedContinuation<Value, any Error>], nextID: Int)
        case done(Result<Value, any Error>)
    }

    private let state = Mutex<State>(.waiting([:], nextID: 0))

    /// An unresolved latch.
    package init() {}

    /// The value, once known; `nil` while unresolved or after a failure.
    package var current: Value? {
        state.withLock { state in
            if case .done(.success(let value)) = state { return value }
            return nil
        }
    }

    /// Resolves the latch with `value` and wakes every waiter.
    package func succeed(_ value: Value) { resolve(.success(value)) }

    /// Resolves the latch with `error` and wakes every waiter.
    package func fail(_ error: any Error) { resolve(.failure(error)) }

    /// Waits until the latch is resolved.
    package func wait() async throws -> Value {
        let id: Int? = try state.withLock { state in
            switch state {
            case .done(let result):
                _ = try result.get()
                return nil
            case .waiting(let waiters, let nextID):
                state = .waiting(waiters, nextID: nextID + 1)
                return nextID
            }
        }
        guard let id else { return current! }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate: Result<Value, any Error>? = state.withLock { state in
                    switch state {
                    case .done(let result): return result
                    case .waiting(var waiters, let nextID):
                        if Task.isCancelled { return .failure(CancellationError()) }
                        waiters[id] = continuation
                        state = .waiting(waiters, nextID: nextID)
                        return nil
                    }
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let cancelled: CheckedContinuation<Value, any Error>? = state.withLock { state in
                guard case .waiting(var waiters, let nextID) = state else { return nil }
                let continuation = waiters.removeValue(forKey: id)
                state = .waiting(waiters, nextID: nextID)
                return continuation
            }
            cancelled?.resume(throwing: CancellationError())
        }
    }

    private func resolve(_ result: Result<Value, any Error>) {
        let waiters: [CheckedContinuation<Value, any Error>] = state.withLock { state in
            guard case .waiting(let waiters, _) = state else { return [] }
            state = .done(result)
            return Array(waiters.values)
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}
