import CometCore
import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What one retention pass did.
package struct RetentionReport: Sendable, Hashable {
    /// Start offsets of the commit-log segments deleted.
    package var deletedSegments: [Int64]
    /// Commit-log min offset after the pass.
    package var commitLogMinOffset: Int64
    /// Consume-queue segment files removed.
    package var consumeQueueFilesRemoved: Int
    /// Index files removed.
    package var indexFilesRemoved: Int
}

extension MessageStore {
    /// The maintenance thread: async commit-log flush, consume-queue/index flush + checkpoint,
    /// disk check and retention, each on its own interval; wakes early on shutdown.
    func maintenanceLoop() {
        let tick = min(
            configuration.asyncFlushInterval.milliseconds, configuration.consumeQueueFlushInterval.milliseconds, 1000)
        var lastLogFlush = configuration.clock()
        var lastQueueFlush = lastLogFlush
        // An idle store writes (and fsyncs) no checkpoint: only progress is worth recording.
        var recorded: (dispatched: Int64, flushed: Int64)?
        while isRunning {
            _ = maintenanceWakeup.wait(timeout: .now() + .milliseconds(Int(max(1, tick))))
            guard isRunning else { break }
            let now = configuration.clock()
            do {
                if configuration.flushMode == .async
                    && now - lastLogFlush >= configuration.asyncFlushInterval.milliseconds
                {
                    try commitLog.flush()
                    lastLogFlush = now
                }
                if now - lastQueueFlush >= configuration.consumeQueueFlushInterval.milliseconds {
                    let progress = (writer.dispatchedOffset.load(ordering: .acquiring), commitLog.flushed)
                    if recorded.map({ $0 != progress }) ?? true {
                        try writeCheckpoint()
                        recorded = progress
                    }
                    lastQueueFlush = now
                }
                if now - lastCleanTime.load(ordering: .acquiring) >= configuration.cleanInterval.milliseconds {
                    lastCleanTime.store(now, ordering: .releasing)
                    checkDiskSpace()
                    _ = deleteExpiredFilesNow(now: now, force: false)
                }
            } catch {
                logger.error("store maintenance failed", metadata: ["store.error": "\(error)"])
            }
        }
    }

    /// Flushes consume queues and index.
    func flushDerivedFiles() throws(StoreError) {
        for queue in queues.all { try queue.flush() }
        if configuration.indexEnabled { try index.flush() }
    }

    /// Flushes consume queues and index, then records how far they are durable.
    func writeCheckpoint() throws(StoreError) {
        let dispatched = writer.dispatchedOffset.load(ordering: .acquiring)
        try flushDerivedFiles()
        var checkpoint = StoreCheckpoint()
        checkpoint.commitLogFlushed = commitLog.flushed
        checkpoint.dispatchSafe = min(dispatched, checkpoint.commitLogFlushed)
        try StoreFiles.writeAtomically(checkpointPath, checkpoint.encoded())
    }

    /// Re-reads disk usage: above `diskFullRatio` appends are refused until it drops again.
    /// Returns the usage ratio, if known.
    @discardableResult
    package func checkDiskSpace() -> Double? {
        guard let usage = configuration.diskUsage(configuration.rootDirectory) else { return nil }
        let full = usage > configuration.diskFullRatio
        if diskFull.exchange(full, ordering: .acquiringAndReleasing) != full {
            if full {
                logger.error("disk full, appends refused", metadata: ["store.diskUsage": "\(usage)"])
            } else {
                logger.info("disk usage back below limit", metadata: ["store.diskUsage": "\(usage)"])
            }
        }
        return usage
    }

    /// Runs one retention pass on a store thread. Segments whose files are older than
    /// `fileReservedTime` are deleted when the local hour of `now` is in `deleteWhenHours`, when
    /// disk usage exceeds `diskMaxUsedSpaceRatio`, or when `force` is set; above
    /// `diskSpaceCleanForciblyRatio` the oldest segments go even if young. The segment being
    /// written is never deleted. Consume queues and index then drop what points below the new
    /// commit-log min offset.
    package func deleteExpiredFiles(
        now: Int64? = nil, force: Bool = false
    ) async throws(StoreError)
        -> RetentionReport
    {
        let at = now ?? configuration.clock()
        return try await onReaderThread { self.deleteExpiredFilesNow(now: at, force: force) }
    }

    func deleteExpiredFilesNow(now: Int64, force: Bool) -> RetentionReport {
        let usage = configuration.diskUsage(configuration.rootDirectory) ?? 0
        let forcibly = usage > configuration.diskSpaceCleanForciblyRatio
        let timeTrigger = configuration.deleteWhenHours.contains(Self.localHour(epochMillis: now))
        let spaceTrigger = usage > configuration.diskMaxUsedSpaceRatio
        var report = RetentionReport(
            deletedSegments: [], commitLogMinOffset: commitLog.minOffset, consumeQueueFilesRemoved: 0,
            indexFilesRemoved: 0)
        guard force || timeTrigger || spaceTrigger || forcibly else { return report }
        let reserved = configuration.fileReservedTime.milliseconds
        report.deletedSegments = commitLog.deleteOldestSegments(limit: configuration.maxSegmentsDeletedPerPass) {
            segment in
            forcibly || now - segment.modificationTimeMillis >= reserved
        }
        guard !report.deletedSegments.isEmpty else { return report }
        let minimum = commitLog.minOffset
        report.commitLogMinOffset = minimum
        for queue in queues.all {
            report.consumeQueueFilesRemoved += queue.correctMinOffset(commitLogMin: minimum)
        }
        if configuration.indexEnabled { report.indexFilesRemoved = index.deleteFiles(below: minimum) }
        logger.info(
            "retention deleted commit log segments",
            metadata: ["store.segments": "\(report.deletedSegments.count)", "store.minOffset": "\(minimum)"])
        return report
    }

    static func localHour(epochMillis: Int64) -> Int {
        var seconds = time_t(epochMillis / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return Int(parts.tm_hour)
    }
}
