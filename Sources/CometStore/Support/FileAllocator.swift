import Dispatch
import NIOPosix
import Synchronization

/// A background thread that reserves disk space and creates files ahead of the writer
/// (upstream `AllocateMappedFileService`), so appends never wait for `posix_fallocate`, file
/// creation or `mmap` — unless they outrun it, in which case the writer does the same work
/// itself.
///
/// The thread sleeps on a semaphore until a job arrives: an idle store costs nothing.
final class FileAllocator: @unchecked Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var closed = false
    }
    private let state = Mutex(State())
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let pool = NIOThreadPool(numberOfThreads: 1)
    private let started = Atomic<Bool>(false)

    /// Starts the thread.
    func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        pool.start()
        pool.submit { _ in
            self.loop()
            self.finished.signal()
        }
    }

    /// Queues `job` to run on the allocator thread (dropped once stopped). Jobs must tolerate
    /// running late or twice: the writer may have done the work meanwhile.
    func submit(_ job: @escaping @Sendable () -> Void) {
        let wasEmpty = state.withLock { state -> Bool? in
            guard !state.closed else { return nil }
            defer { state.jobs.append(job) }
            return state.jobs.isEmpty
        }
        if wasEmpty == true { wakeup.signal() }
    }

    private func loop() {
        while true {
            wakeup.wait()
            while true {
                let (jobs, closed) = state.withLock { state in
                    defer { state.jobs.removeAll() }
                    return (state.jobs, state.closed)
                }
                for job in jobs { job() }
                if closed { return }
                if jobs.isEmpty { break }
            }
        }
    }

    /// Runs the jobs already queued, then stops the thread.
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
