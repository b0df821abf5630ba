import CometCore
import Logging
import Synchronization

extension MessageStore {
    /// Loads files and brings them in line (runs on the writer thread before it starts).
    ///
    /// Clean shutdown (no abort file, valid checkpoint with an end offset): trust the end offset,
    /// no scan. Otherwise: verify records from the dispatch checkpoint (or further back, see
    /// below) by magic, lengths, PHYSICALOFFSET and CRC, re-dispatch them (idempotent), cut the
    /// log after the last valid record and drop consume-queue units that point past it.
    func recover() throws(StoreError) {
        let root = configuration.rootDirectory
        try commitLog.load()
        try queues.load()
        if configuration.indexEnabled { try index.load() }
        let checkpoint = StoreCheckpoint(bytes: StoreFiles.read(checkpointPath))
        let crashed = StoreFiles.exists(abortPath)
        let starts = commitLog.segmentStarts
        var report = RecoveryReport(
            wasCleanShutdown: true, scannedFrom: nil, commitLogEnd: 0, recordsVerified: 0, invalidRecord: nil,
            segmentsRemoved: 0, consumeQueuesTruncated: 0)
        let end: Int64
        if !crashed && checkpoint == nil && starts.isEmpty {
            // A brand-new store: nothing to recover, and no reason to report a crash.
            end = 0
        } else if !crashed, let checkpoint, checkpoint.cleanShutdownEnd >= 0,
            starts.isEmpty ? checkpoint.cleanShutdownEnd == 0 : checkpoint.cleanShutdownEnd >= starts[0]
        {
            end = checkpoint.cleanShutdownEnd
            commitLog.restoreEnd(end)
        } else {
            report.wasCleanShutdown = false
            // Start at the segment holding the dispatch checkpoint, but at least two segments
            // before the newest (like upstream's third-last file), so recent damage is found.
            let safe = checkpoint?.dispatchSafe ?? 0
            var startIndex = starts.lastIndex(where: { $0 <= safe }) ?? 0
            startIndex = max(0, min(startIndex, starts.count - 3))
            let scanStart = starts.isEmpty ? 0 : starts[startIndex]
            report.scannedFrom = scanStart
            var dispatchError: StoreError?
            let outcome = commitLog.scan(from: scanStart, verifyCRC: configuration.verifyCRCOnRecovery) {
                header, raw, offset in
                guard dispatchError == nil else { return }
                let properties = MessageProperties.parse(header.propertiesString(in: raw))
                var keys = MessageProperties.splitKeys(properties[MessagePropertyKey.keys])
                if let unique = properties[MessagePropertyKey.uniqueKey] { keys.append(unique) }
                do {
                    try dispatch(
                        key: QueueKey(topic: header.topic, queueID: header.queueID),
                        dispatchToQueue: header.sysFlag.isDispatchedToConsumeQueue, queueOffset: header.queueOffset,
                        physicalOffset: offset, size: header.totalSize,
                        tagsCode: TagHashCode.tagsCode(properties[MessagePropertyKey.tags]), indexKeys: keys,
                        storeTimestamp: header.storeTimestamp)
                } catch {
                    dispatchError = error as? StoreError ?? StoreError(.ioFailure, "\(error)")
                }
                writer.lastStoreTimestamp = max(writer.lastStoreTimestamp, header.storeTimestamp)
            }
            if let dispatchError { throw dispatchError }
            end = outcome.end
            report.recordsVerified = outcome.records
            report.invalidRecord = outcome.stopReason
            report.segmentsRemoved = try commitLog.truncate(to: end)
            if let reason = outcome.stopReason {
                logger.warning(
                    "commit log truncated after last valid record",
                    metadata: ["store.end": "\(end)", "store.reason": "\(reason)"])
            }
        }
        report.commitLogEnd = end
        let commitLogMin = commitLog.minOffset
        writer.queueOffsets = [:]
        for queue in queues.all {
            let before = queue.maxOffset
            try queue.truncate(commitLogEnd: end)
            if queue.maxOffset < before { report.consumeQueuesTruncated += 1 }
            queue.correctMinOffset(commitLogMin: commitLogMin)
            writer.queueOffsets[QueueKey(topic: queue.topic, queueID: queue.queueID)] = queue.maxOffset
        }
        writer.dispatchedOffset.store(end, ordering: .releasing)
        if writer.lastStoreTimestamp == 0, let last = lastRecordTimestamp(before: end) {
            writer.lastStoreTimestamp = last
        }
        var running = StoreCheckpoint()
        running.commitLogFlushed = end
        running.dispatchSafe = min(end, checkpoint?.dispatchSafe ?? 0)
        try StoreFiles.writeAtomically(checkpointPath, running.encoded())
        try StoreFiles.touch(abortPath)
        setRecoveryReport(report)
        logger.info(
            "store opened",
            metadata: [
                "store.root": "\(root)", "store.clean": "\(report.wasCleanShutdown)", "store.end": "\(end)",
                "store.queues": "\(queues.all.count)",
            ])
    }

    private func lastRecordTimestamp(before end: Int64) -> Int64? {
        var latest: Int64?
        for queue in queues.all {
            guard queue.maxOffset > queue.minOffset, let entry = queue.entry(at: queue.maxOffset - 1),
                let timestamp = storeTimestamp(ofRecordAt: entry.commitLogOffset, size: Int(entry.messageSize))
            else { continue }
            latest = max(latest ?? timestamp, timestamp)
        }
        return latest
    }
}
