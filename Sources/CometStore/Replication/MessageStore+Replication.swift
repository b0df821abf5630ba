import CometCore
import Synchronization

extension MessageStore {
    /// Whether client appends are refused because this store is a slave's copy of its master's
    /// log (upstream `checkStoreStatus`: "messages are put to the slave"). Replicated appends
    /// (``appendReplicated(_:at:)``) are accepted either way.
    package var isReplica: Bool {
        get { appendLock.withLock { _ in writer.isReplica } }
        set { appendLock.withLock { _ in writer.isReplica = newValue } }
    }

    /// Calls `observer` with the new commit-log end after every client append (not replicated
    /// ones), outside the append lock; `nil` removes it. A master wakes its HA connections with it.
    package func setAppendObserver(_ observer: (@Sendable (Int64) -> Void)?) {
        appendLock.withLock { _ in writer.appendObserver = observer }
    }

    /// The remark RocketMQ's slave answers a send with (`SendMessageProcessor`, SERVICE_NOT_AVAILABLE),
    /// with the disk usage of the store's partition (Comet keeps all three kinds of file there).
    func replicaRefusal() -> String {
        let ratio = configuration.diskUsage(configuration.rootDirectory) ?? 0
        let hundredths = Int((max(0, ratio) * 100).rounded())
        let digits = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
        let usage = String(repeating: " ", count: max(0, 5 - digits.count)) + digits
        return "service not available now. It may be caused by one of the following reasons: the broker's disk is full "
            + "[CL: \(usage) CQ: \(usage) INDEX: \(usage)], messages are put to the slave, message store has been "
            + "shut down, etc."
    }

    /// Where a master starts streaming to a slave that reported `reported` as its max offset:
    /// there, or for a brand-new slave (0) at the start of the newest segment (upstream
    /// `HAConnection.WriteSocketService`).
    package func replicationStart(forReported reported: Int64) -> Int64 {
        guard reported == 0 else { return reported }
        let max = commitLog.maxOffset
        return max - max % Int64(configuration.commitLogSegmentSize)
    }

    /// Master side: up to `maxBytes` of the commit log from `offset` for one HA frame, never
    /// crossing a segment end; `nil` when nothing is there yet. Runs on the reader threads (the
    /// bytes of a lagging slave may have to come from disk).
    package func replicationChunk(from offset: Int64, maxBytes: Int) async throws(StoreError) -> [UInt8]? {
        let commitLog = self.commitLog
        return try await onReaderThread { () throws(StoreError) in
            commitLog.copyForReplica(from: offset, maxBytes: maxBytes)
        }
    }

    /// Slave side with sync flush: waits until everything replicated so far is on disk (one group
    /// commit), so what the slave acknowledges survives a power loss as its master's sync flush
    /// would. With async flush it returns at once (the maintenance thread flushes).
    package func flushReplicated() async throws(StoreError) {
        guard configuration.flushMode == .sync else { return }
        if case .failure(let error) = await groupCommit.waitForFlush(upTo: commitLog.maxOffset) { throw error }
    }

    /// Slave side: appends the complete records and blanks at the front of `bytes`, which a
    /// master sent for offset `offset`, and builds their consume-queue and index entries as
    /// recovery does. Returns how many bytes were used; the caller keeps the rest (a record cut
    /// by the transfer batch size) and offers it again with the bytes that follow.
    ///
    /// `offset` must be the log's end, except on an empty log, which then starts there (a
    /// brand-new slave copies from the start of its master's newest segment).
    package func appendReplicated(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(StoreError) -> Int {
        var arrivals: [MessageArrival] = []
        let outcome = appendLock.withLock { _ -> Result<Int, StoreError> in
            guard !writer.closed else { return .failure(StoreError(.notRunning, "store is shutting down")) }
            do throws(StoreError) {
                return .success(try writeReplicated(bytes, at: offset, arrivals: &arrivals))
            } catch {
                if error.code == .diskFull { diskFull.store(true, ordering: .releasing) }
                return .failure(error)
            }
        }
        if let onMessageArrived {
            for arrival in arrivals { onMessageArrived(arrival) }
        }
        return try outcome.get()
    }

    private func writeReplicated(
        _ bytes: UnsafeRawBufferPointer, at offset: Int64, arrivals: inout [MessageArrival]
    ) throws(StoreError) -> Int {
        let segmentSize = configuration.commitLogSegmentSize
        if offset != commitLog.maxOffset {
            guard commitLog.maxOffset == 0, commitLog.segmentStarts.isEmpty, offset % Int64(segmentSize) == 0 else {
                throw StoreError(
                    .invalidMessage, "replicated bytes for offset \(offset), but the log ends at \(commitLog.maxOffset)"
                )
            }
            commitLog.restoreEnd(offset)
            writer.dispatchedOffset.store(offset, ordering: .releasing)
        }
        var used = 0
        while bytes.count - used >= 8 {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[used...])
            let size = Int(StoredMessageLayout.load(rest, 0, as: Int32.self))
            let magic = StoredMessageLayout.load(rest, 4, as: Int32.self)
            let position = Int(commitLog.maxOffset % Int64(segmentSize))
            let isBlank = magic == StoredMessageLayout.blankMagic
            guard isBlank || magic == StoredMessageLayout.magicV1 || magic == StoredMessageLayout.magicV2,
                size >= 8, position + size <= segmentSize
            else {
                throw StoreError(
                    .corruptStore, "replicated bytes at \(commitLog.maxOffset) are not a record (size \(size))")
            }
            guard size <= rest.count else { break }
            let record = UnsafeRawBufferPointer(rebasing: rest[0..<size])
            if isBlank {
                try commitLog.appendVerbatim(record, isBlank: true)
            } else {
                try dispatchReplicated(record, at: commitLog.maxOffset, arrivals: &arrivals)
            }
            used += size
        }
        return used
    }

    private func dispatchReplicated(
        _ record: UnsafeRawBufferPointer, at offset: Int64, arrivals: inout [MessageArrival]
    ) throws(StoreError) {
        let header: StoredMessageHeader
        do {
            header = try StoredMessageHeader.parse(record, verifyCRC: false)
        } catch {
            throw StoreError(.corruptStore, "replicated record at \(offset): \(error)")
        }
        guard header.physicalOffset == offset else {
            throw StoreError(
                .corruptStore, "replicated record at \(offset) claims physical offset \(header.physicalOffset)")
        }
        try commitLog.appendVerbatim(record, isBlank: false)
        let properties = MessageProperties.parse(header.propertiesString(in: record))
        var keys = MessageProperties.splitKeys(properties[MessagePropertyKey.keys])
        if let unique = properties[MessagePropertyKey.uniqueKey] { keys.append(unique) }
        let tagsCode = TagHashCode.tagsCode(properties[MessagePropertyKey.tags])
        let dispatchToQueue = header.sysFlag.isDispatchedToConsumeQueue
        let key = QueueKey(topic: header.topic, queueID: header.queueID)
        // A queue first seen mid-stream (a new slave starts at the master's newest segment) begins
        // at this record's queue offset, not 0 (upstream sets the queue's min logical offset so).
        let firstSeen = dispatchToQueue && header.queueOffset > 0 && writer.queueOffsets[key] == nil
        try dispatch(
            key: key, dispatchToQueue: dispatchToQueue,
            queueOffset: header.queueOffset, physicalOffset: offset, size: header.totalSize, tagsCode: tagsCode,
            indexKeys: keys, storeTimestamp: header.storeTimestamp)
        if firstSeen, let queue = writer.queues[key] { _ = queue.correctMinOffset(commitLogMin: offset) }
        writer.lastStoreTimestamp = max(writer.lastStoreTimestamp, header.storeTimestamp)
        guard dispatchToQueue else { return }
        if let last = arrivals.last, last.topic == header.topic, last.queueID == header.queueID {
            arrivals.removeLast()
        }
        arrivals.append(
            MessageArrival(
                topic: header.topic, queueID: header.queueID, maxOffset: header.queueOffset + 1, tagsCode: tagsCode,
                storeTimestamp: header.storeTimestamp))
    }
}
