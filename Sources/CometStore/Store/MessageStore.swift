import Dispatch
package import Logging
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The broker's storage engine: commit log, consume queues, index, flushing, recovery and
/// retention, with file I/O on its own threads.
///
/// Open with ``open(configuration:logger:onMessageArrived:)``; append with
/// ``putMessage(_:)``/``putMessages(_:)``; read with
/// ``getMessages(topic:queueID:offset:maxCount:maxBytes:tagsCodes:)``; stop with ``shutdown()``.
///
/// Threads: appends run on the calling task under a short lock (upstream `putMessage`): encode,
/// copy into the mapped log, dispatch to consume queue and index. Behind them: a group-commit
/// flush thread (sync flush only), a file allocator that reserves disk space and creates the
/// next segment ahead of the writer, one maintenance thread (async flush, consume-queue flush +
/// checkpoint, retention), and a small pool for reads so event loops never touch the disk.
/// Readers run concurrently with appends. Every thread sleeps when there is nothing to do.
package final class MessageStore: @unchecked Sendable {
    /// The configuration the store was opened with.
    package let configuration: MessageStoreConfiguration
    /// What recovery found when the store opened.
    package private(set) var recoveryReport: RecoveryReport
    let logger: Logger
    let commitLog: CommitLog
    let queues: ConsumeQueueTable
    let index: IndexService
    let writer = WriterState()
    /// Serializes appends: held while records are copied into the log and dispatched.
    let appendLock = Mutex<Void>(())
    let groupCommit: GroupCommitService
    let allocator: FileAllocator
    let onMessageArrived: (@Sendable (MessageArrival) -> Void)?
    let running = Atomic<Bool>(false)
    let diskFull = Atomic<Bool>(false)
    let writerPool: NIOThreadPool
    let maintenancePool: NIOThreadPool
    let readerPool: NIOThreadPool
    let maintenanceWakeup = DispatchSemaphore(value: 0)
    let maintenanceDone = DispatchSemaphore(value: 0)
    let lastCleanTime = Atomic<Int64>(0)
    private let lockDescriptor: Int32

    var checkpointPath: String { configuration.rootDirectory + "/checkpoint" }
    var abortPath: String { configuration.rootDirectory + "/abort" }

    private init(
        configuration: MessageStoreConfiguration, logger: Logger, lockDescriptor: Int32,
        onMessageArrived: (@Sendable (MessageArrival) -> Void)?
    ) {
        self.configuration = configuration
        self.logger = logger
        self.lockDescriptor = lockDescriptor
        self.onMessageArrived = onMessageArrived
        let root = configuration.rootDirectory
        let allocator = FileAllocator()
        let commitLog = CommitLog(
            directory: root + "/commitlog", segmentSize: configuration.commitLogSegmentSize,
            chunkSize: configuration.preallocationChunkSize, allocator: allocator)
        self.allocator = allocator
        self.commitLog = commitLog
        groupCommit = GroupCommitService(timeout: configuration.syncFlushTimeout) { () throws(StoreError) in
            try commitLog.flush()
        }
        queues = ConsumeQueueTable(
            rootDirectory: root + "/consumequeue", entriesPerSegment: configuration.consumeQueueEntriesPerSegment)
        index = IndexService(
            directory: root + "/index", slots: configuration.indexHashSlots, entries: configuration.indexMaxEntries,
            chunkSize: configuration.preallocationChunkSize, allocator: allocator)
        writerPool = NIOThreadPool(numberOfThreads: 1)
        maintenancePool = NIOThreadPool(numberOfThreads: 1)
        readerPool = NIOThreadPool(numberOfThreads: max(1, configuration.readerThreads))
        recoveryReport = RecoveryReport(
            wasCleanShutdown: true, scannedFrom: nil, commitLogEnd: 0, recordsVerified: 0, invalidRecord: nil,
            segmentsRemoved: 0, consumeQueuesTruncated: 0)
    }

    /// Opens (creating if needed) the store in `configuration.rootDirectory`, recovers it and
    /// starts its threads. Recovery runs on a store thread, not the caller's.
    ///
    /// - Parameter onMessageArrived: called on the appending task after records for a queue are
    ///   written; keep it cheap (e.g. yield into an `AsyncStream` or resume held pulls).
    package static func open(
        configuration: MessageStoreConfiguration, logger: Logger = Logger(label: "comet.store"),
        onMessageArrived: (@Sendable (MessageArrival) -> Void)? = nil
    ) async throws(StoreError) -> MessageStore {
        try configuration.validate()
        try StoreFiles.createDirectory(configuration.rootDirectory)
        let lockPath = configuration.rootDirectory + "/lock"
        let fd = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError(.ioFailure, "open \(lockPath)", errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError(.storeLocked, "\(configuration.rootDirectory) is used by another process")
        }
        let store = MessageStore(
            configuration: configuration, logger: logger, lockDescriptor: fd, onMessageArrived: onMessageArrived)
        store.writerPool.start()
        store.maintenancePool.start()
        store.readerPool.start()
        do {
            try await store.onWriterThread { () throws(StoreError) in try store.recover() }
        } catch {
            await store.stopPools()
            close(fd)
            throw error
        }
        store.running.store(true, ordering: .releasing)
        store.startThreads()
        return store
    }

    /// Whether the store accepts appends and reads.
    package var isRunning: Bool { running.load(ordering: .acquiring) }

    /// Whether appends are refused because the disk is (nearly) full.
    package var isDiskFull: Bool { diskFull.load(ordering: .acquiring) }

    /// Commit-log min offset (start of the oldest segment).
    package var commitLogMinOffset: Int64 { commitLog.minOffset }

    /// Commit-log max offset (end of the newest record).
    package var commitLogMaxOffset: Int64 { commitLog.maxOffset }

    /// Commit-log offset up to which data is known flushed to disk.
    package var commitLogFlushedOffset: Int64 { commitLog.flushed }

    /// Runs `body` on the writer pool (recovery, before appends are accepted).
    func onWriterThread<T: Sendable>(
        _ body: @escaping @Sendable () throws(StoreError) -> T
    ) async throws(StoreError)
        -> T
    {
        do {
            return try await writerPool.runIfActive { try body() }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.notRunning, "\(error)")
        }
    }

    private func startThreads() {
        allocator.start()
        if configuration.flushMode == .sync { groupCommit.start() }
        maintenancePool.submit { _ in
            self.maintenanceLoop()
            self.maintenanceDone.signal()
        }
    }

    private func stopPools() async {
        try? await writerPool.shutdownGracefully()
        try? await maintenancePool.shutdownGracefully()
        try? await readerPool.shutdownGracefully()
    }

    /// Stops accepting work, completes queued appends, flushes everything, writes a clean
    /// checkpoint and removes the abort marker so the next open skips the recovery scan.
    package func shutdown() async {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        await stopThreads()
        do {
            try commitLog.flush()
            try flushDerivedFiles()
            var checkpoint = StoreCheckpoint()
            checkpoint.commitLogFlushed = commitLog.maxOffset
            checkpoint.dispatchSafe = commitLog.maxOffset
            checkpoint.cleanShutdownEnd = commitLog.maxOffset
            try StoreFiles.writeAtomically(checkpointPath, checkpoint.encoded())
            StoreFiles.remove(abortPath)
        } catch {
            logger.error("store shutdown flush failed", metadata: ["store.error": "\(error)"])
        }
        await stopPools()
        close(lockDescriptor)
    }

    /// Test hook: stops the threads like a crash would — no final flush, no clean checkpoint,
    /// abort marker left in place (data already in the mapped files survives, as after SIGKILL).
    package func closeWithoutCleanShutdownForTesting() async {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        await stopThreads()
        await stopPools()
        close(lockDescriptor)
    }

    private func stopThreads() async {
        // Appends in progress finish; later ones are refused, so nothing lands after the final flush.
        appendLock.withLock { _ in writer.closed = true }
        await groupCommit.stop()
        await allocator.stop()
        maintenanceWakeup.signal()
        let maintenanceDone = self.maintenanceDone
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                maintenanceDone.wait()
                continuation.resume()
            }
        }
    }

    func setRecoveryReport(_ report: RecoveryReport) { recoveryReport = report }
}
