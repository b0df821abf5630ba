import Dispatch
import Synchronization

/// A pending append: prepared records and the continuation to resume when done.
struct AppendRequest: Sendable {
    var records: [PreparedRecord]
    var continuation: CheckedContinuation<PutMessageResult, any Error>
}

/// The hand-off between appending tasks and the single writer thread.
///
/// Producers enqueue under a mutex and signal a semaphore only on the empty → non-empty
/// transition; the writer takes the whole queue at once, which is what makes group commit:
/// every request that arrived while the previous flush ran is written and flushed together.
final class AppendQueue: @unchecked Sendable {
    private struct State {
        var requests: [AppendRequest] = []
        var closed = false
    }
    private let state = Mutex(State())
    private let signal = DispatchSemaphore(value: 0)
    private let pending = Atomic<Int>(0)
    /// How long the writer polls for new requests before sleeping. Waking a sleeping thread
    /// costs up to milliseconds on virtual machines, which would cap group commit far below
    /// the device's flush rate; a short spin keeps a busy writer awake between batches.
    private static let spinNanoseconds: Int64 = 200_000

    /// Enqueues a request; returns false if the queue is closed.
    func enqueue(_ request: AppendRequest) -> Bool {
        let (accepted, wasEmpty) = state.withLock { state -> (Bool, Bool) in
            guard !state.closed else { return (false, false) }
            let wasEmpty = state.requests.isEmpty
            state.requests.append(request)
            return (true, wasEmpty)
        }
        if accepted { pending.add(1, ordering: .releasing) }
        if wasEmpty { signal.signal() }
        return accepted
    }

    /// Blocks until requests are available; returns nil once closed and drained.
    func takeAll() -> [AppendRequest]? {
        while true {
            let (requests, closed) = state.withLock { state -> ([AppendRequest], Bool) in
                let taken = state.requests
                state.requests.removeAll(keepingCapacity: true)
                return (taken, state.closed)
            }
            if !requests.isEmpty {
                pending.subtract(requests.count, ordering: .relaxed)
                return requests
            }
            if closed { return nil }
            if !spinUntilPending() { signal.wait() }
        }
    }

    /// Polls `pending` for up to ``spinNanoseconds``; true if work arrived.
    private func spinUntilPending() -> Bool {
        let start = DispatchTime.now().uptimeNanoseconds
        var iterations = 0
        while pending.load(ordering: .acquiring) <= 0 {
            iterations += 1
            if iterations & 63 == 0, DispatchTime.now().uptimeNanoseconds - start > UInt64(Self.spinNanoseconds) {
                return false
            }
        }
        return true
    }

    /// Refuses new requests and wakes the writer so it can drain and exit.
    func close() {
        state.withLock { $0.closed = true }
        signal.signal()
    }
}
