package import CometCore
import Logging
import NIOCore
import Synchronization

extension MessageStore {
    /// Appends one message; see ``putMessages(_:)``.
    package func putMessage(_ message: StoredMessage) async throws(StoreError) -> PutMessageResult {
        try await putMessages([message])
    }

    /// Appends messages as individual records, in order, with consecutive queue offsets per
    /// queue (a batch). The store fills STOREHOST, QUEUEOFFSET, PHYSICALOFFSET, STORETIMESTAMP
    /// and BODYCRC. Returns after the write (async flush) or after the group-commit flush
    /// (sync flush).
    ///
    /// Like upstream `CommitLog.putMessage`, the calling task encodes the records, then copies
    /// them into the mapped log under a short lock and dispatches them to consume queues and
    /// index; nothing is handed to another thread unless it must wait for a sync flush.
    ///
    /// Throws ``StoreError`` for invalid input (topic, size), a full disk or a stopped store.
    /// Records written before a mid-batch I/O failure stay stored.
    package func putMessages(_ messages: [StoredMessage]) async throws(StoreError) -> PutMessageResult {
        let appended = try appendMessages(messages)
        guard configuration.flushMode == .sync, let last = appended.last else {
            return PutMessageResult(status: .putOK, messages: appended)
        }
        switch await groupCommit.waitForFlush(upTo: last.physicalOffset + Int64(last.size)) {
        case .success(let status): return PutMessageResult(status: status, messages: appended)
        case .failure(let error):
            logger.error("commit log flush failed", metadata: ["store.error": "\(error)"])
            throw error
        }
    }

    /// Appends messages like ``putMessages(_:)`` but returns as soon as they are in the log,
    /// without waiting for a flush — the caller may be an event loop. With sync flush, follow up
    /// with ``whenFlushed(_:_:)`` before answering the producer.
    package func appendMessages(_ messages: [StoredMessage]) throws(StoreError) -> [AppendedMessage] {
        guard isRunning else { throw StoreError(.notRunning, "store is not running") }
        guard !isDiskFull else { throw StoreError(.diskFull, "disk usage above \(configuration.diskFullRatio)") }
        guard !messages.isEmpty else { return [] }
        var records: [PreparedRecord] = []
        records.reserveCapacity(messages.count)
        for message in messages {
            records.append(try PreparedRecord(message, configuration: configuration))
        }
        return try appendNow(records)
    }

    /// Calls `completion` once `appended` is durable: at once with async flush, from the group
    /// commit's flush thread with sync flush.
    package func whenFlushed(
        _ appended: [AppendedMessage], _ completion: @escaping @Sendable (Result<PutMessageStatus, StoreError>) -> Void
    ) {
        guard configuration.flushMode == .sync, let last = appended.last else {
            completion(.success(.putOK))
            return
        }
        let logger = self.logger
        groupCommit.whenFlushed(upTo: last.physicalOffset + Int64(last.size)) { outcome in
            if case .failure(let error) = outcome {
                logger.error("commit log flush failed", metadata: ["store.error": "\(error)"])
            }
            completion(outcome)
        }
    }

    /// Writes prepared records under the append lock, then tells long-polling listeners.
    func appendNow(_ records: [PreparedRecord]) throws(StoreError) -> [AppendedMessage] {
        var arrivals: [MessageArrival] = []
        var observer: (@Sendable (Int64) -> Void)?
        let outcome = appendLock.withLock { _ -> Result<[AppendedMessage], StoreError> in
            observer = writer.appendObserver
            guard !writer.closed else { return .failure(StoreError(.notRunning, "store is shutting down")) }
            guard !writer.isReplica else {
                return .failure(StoreError(.replicaRole, replicaRefusal()))
            }
            do throws(StoreError) {
                return .success(try write(records, arrivals: &arrivals))
            } catch {
                if error.code == .diskFull { diskFull.store(true, ordering: .releasing) }
                return .failure(error)
            }
        }
        if let onMessageArrived {
            for arrival in arrivals { onMessageArrived(arrival) }
        }
        if let observer, case .success = outcome { observer(commitLog.maxOffset) }
        return try outcome.get()
    }

    private func write(
        _ records: [PreparedRecord], arrivals: inout [MessageArrival]
    ) throws(StoreError)
        -> [AppendedMessage]
    {
        var appended: [AppendedMessage] = []
        appended.reserveCapacity(records.count)
        for record in records {
            let queueOffset = record.dispatchToQueue ? writer.queueOffsets[record.key, default: 0] : 0
            let timestamp = max(configuration.clock(), writer.lastStoreTimestamp)
            writer.lastStoreTimestamp = timestamp
            let length = record.bytes.readableBytes
            let physicalOffset = try commitLog.append(length: length) { destination, offset in
                record.bytes.withUnsafeReadableBytes { source in
                    destination.copyMemory(from: source)
                }
                StoredMessageLayout.store(queueOffset, destination, StoredMessageLayout.queueOffsetPosition)
                StoredMessageLayout.store(offset, destination, StoredMessageLayout.physicalOffsetPosition)
                StoredMessageLayout.store(timestamp, destination, record.storeTimestampPosition)
            }
            try dispatch(
                key: record.key, dispatchToQueue: record.dispatchToQueue, queueOffset: queueOffset,
                physicalOffset: physicalOffset, size: length, tagsCode: record.tagsCode, indexKeys: record.indexKeys,
                storeTimestamp: timestamp)
            if record.dispatchToQueue {
                // One arrival per queue per call: a batch goes to a single queue.
                if let last = arrivals.last, last.topic == record.key.topic, last.queueID == record.key.queueID {
                    arrivals.removeLast()
                }
                arrivals.append(
                    MessageArrival(
                        topic: record.key.topic, queueID: record.key.queueID, maxOffset: queueOffset + 1,
                        tagsCode: record.tagsCode, storeTimestamp: timestamp))
            }
            appended.append(
                AppendedMessage(
                    physicalOffset: physicalOffset, size: length, queueOffset: queueOffset, storeTimestamp: timestamp,
                    offsetMessageID: OffsetMessageID(
                        storeHost: configuration.storeHost, commitLogOffset: physicalOffset)))
        }
        return appended
    }

    /// Adds a record to its consume queue and the index (the "dispatcher"); also used when
    /// recovery re-dispatches records from the commit log. Under the append lock (or during recovery).
    func dispatch(
        key: QueueKey, dispatchToQueue: Bool, queueOffset: Int64, physicalOffset: Int64, size: Int, tagsCode: Int64,
        indexKeys: [String], storeTimestamp: Int64
    ) throws(StoreError) {
        if dispatchToQueue {
            let queue: ConsumeQueue
            if let cached = writer.queues[key] {
                queue = cached
            } else {
                queue = queues.findOrCreate(key)
                writer.queues[key] = queue
            }
            try queue.put(
                ConsumeQueueEntry(commitLogOffset: physicalOffset, messageSize: Int32(size), tagsCode: tagsCode),
                at: queueOffset)
            writer.queueOffsets[key] = max(writer.queueOffsets[key, default: 0], queueOffset + 1)
        }
        if configuration.indexEnabled && !indexKeys.isEmpty {
            try index.put(
                topic: key.topic, keys: indexKeys, commitLogOffset: physicalOffset, storeTimestamp: storeTimestamp)
        }
        writer.dispatchedOffset.store(physicalOffset + Int64(size), ordering: .releasing)
    }
}
