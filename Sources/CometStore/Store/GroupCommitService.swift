import Dispatch
import NIOPosix
import Synchronization

/// Sync-flush group commit (upstream `GroupCommitService`): appending tasks register the end
/// offset they need durable and suspend; one flush thread, asleep on a semaphore until the first
/// waiter arrives, takes every waiter queued so far, flushes the commit log once and resumes
/// them all. Waiters that arrive during a flush form the next batch, so the batch size grows
/// with the load and one `msync` serves many appends.
final class GroupCommitService: @unchecked Sendable {
    /// What a waiter learns: whether its data is durable in time, or why not.
    typealias Outcome = Result<PutMessageStatus, StoreError>

    private struct Waiter {
        var end: Int64
        var completion: @Sendable (Outcome) -> Void
    }
    private struct State {
        var waiters: [Waiter] = []
        var closed = false
    }

    private let state = Mutex(State())
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let pool = NIOThreadPool(numberOfThreads: 1)
    private let started = Atomic<Bool>(false)
    private let flush: @Sendable () throws(StoreError) -> Int64
    private let timeout: Duration

    /// - Parameters:
    ///   - flush: flushes everything written so far, returning the new flushed offset.
    ///   - timeout: flushes slower than this answer ``PutMessageStatus/flushDiskTimeout``.
    init(timeout: Duration, flush: @escaping @Sendable () throws(StoreError) -> Int64) {
        self.timeout = timeout
        self.flush = flush
    }

    /// Starts the flush thread.
    func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        pool.start()
        pool.submit { _ in
            self.loop()
            self.finished.signal()
        }
    }

    /// Waits until everything below `end` is flushed.
    func waitForFlush(upTo end: Int64) async -> Outcome {
        await withCheckedContinuation { continuation in
            whenFlushed(upTo: end) { continuation.resume(returning: $0) }
        }
    }

    /// Calls `completion` on the flush thread once everything below `end` is flushed (or at once
    /// with an error when the service is stopped).
    func whenFlushed(upTo end: Int64, _ completion: @escaping @Sendable (Outcome) -> Void) {
        let wasEmpty = state.withLock { state -> Bool? in
            guard !state.closed else { return nil }
            defer { state.waiters.append(Waiter(end: end, completion: completion)) }
            return state.waiters.isEmpty
        }
        switch wasEmpty {
        case nil: completion(.failure(StoreError(.notRunning, "store is shutting down")))
        case true?: wakeup.signal()
        case false?: break
        }
    }

    private func loop() {
        while true {
            wakeup.wait()
            while true {
                let (batch, closed) = state.withLock { state in
                    defer { state.waiters.removeAll(keepingCapacity: true) }
                    return (state.waiters, state.closed)
                }
                if !batch.isEmpty { commit(batch) }
                if closed { return }
                if batch.isEmpty { break }
            }
        }
    }

    private func commit(_ batch: [Waiter]) {
        let started = ContinuousClock.now
        do {
            let flushed = try flush()
            let status: PutMessageStatus = ContinuousClock.now - started > timeout ? .flushDiskTimeout : .putOK
            for waiter in batch {
                // Every waiter registered after its bytes were written, so `end <= flushed`; still,
                // a waiter is never told its data is durable when it is not.
                waiter.completion(
                    waiter.end <= flushed
                        ? .success(status)
                        : .failure(StoreError(.ioFailure, "flushed to \(flushed), below \(waiter.end)")))
            }
        } catch {
            for waiter in batch { waiter.completion(.failure(error)) }
        }
    }

    /// Flushes for the waiters still queued, answers them, then stops the thread. Later waits
    /// fail with ``StoreError/Code/notRunning``.
    func stop() async {
        state.withLock { $0.closed = true }
        guard started.load(ordering: .acquiring) else { return }
        wakeup.signal()
        let finished = self.finished
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                finished.wait()
                continuation.resume()
            }
        }
        try? await pool.shutdownGracefully()
    }
}
