import Synchronization

/// Requests waiting for their reply (request-reply), by correlation id. The reply is pushed by the
/// broker (PUSH_REPLY_MESSAGE_TO_CLIENT) on any connection, so waiters are found by id only.
final class ReplyTable: Sendable {
    /// One request's wait: completed once, by the reply or by the timeout, whichever comes first.
    final class Waiter: Sendable {
        private enum State {
            case pending(CheckedContinuation<ReceivedMessage?, Never>?)
            case done(ReceivedMessage?)
        }

        private let state = Mutex(State.pending(nil))

        func complete(_ reply: ReceivedMessage?) {
            let continuation = state.withLock { state -> CheckedContinuation<ReceivedMessage?, Never>? in
                guard case .pending(let continuation) = state else { return nil }
                state = .done(reply)
                return continuation
            }
            continuation?.resume(returning: reply)
        }

        /// The reply, or `nil` when `timeout` passed first.
        func value(timeout: Duration) async -> ReceivedMessage? {
            await withTaskGroup(of: ReceivedMessage?.self) { group in
                group.addTask {
                    await withCheckedContinuation { continuation in
                        let done = self.state.withLock { state -> ReceivedMessage?? in
                            switch state {
                            case .done(let reply): return .some(reply)
                            case .pending:
                                state = .pending(continuation)
                                return nil
                            }
                        }
                        if let done { continuation.resume(returning: done) }
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    self.complete(nil)
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
        }
    }

    private let waiters = Mutex<[String: Waiter]>([:])

    /// Registers a request before it is sent, so a fast reply is not missed.
    func register(_ correlationID: String) -> Waiter {
        let waiter = Waiter()
        waiters.withLock { $0[correlationID] = waiter }
        return waiter
    }

    func remove(_ correlationID: String) {
        _ = waiters.withLock { $0.removeValue(forKey: correlationID) }
    }

    /// Hands a pushed reply to its request; `false` when no request waits for it (timed out).
    func deliver(_ reply: ReceivedMessage) -> Bool {
        guard let id = reply.properties["CORRELATION_ID"],
            let waiter = waiters.withLock({ $0.removeValue(forKey: id) })
        else { return false }
        waiter.complete(reply)
        return true
    }
}
