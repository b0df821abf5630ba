package import CometCore
import Logging
import Synchronization
import NIOCore

extension MessageStore {
    /// Appends one message; see ``putMessages(_:)``.
    package func putMessage(_ message: StoredMessage) async throws(StoreError) -> PutMessageResult {
        try await putMessages([message])
    }

    /// Appends messages as individual records, in order, with consecutive queue offsets per
    /// queue (a batch). The store fills STOREHOST, QUEUEOFFSET, PHYSICALOFFSET, STORETIMESTAMP
    /// and BODYCRC. Returns after the write (async flush) or after the group-commit flush
    /// (sync flush). Encoding happens on the calling task; the writer only copies bytes.
    ///
    /// Throws ``StoreError`` for invalid input (topic, size), a full disk or a stopped store.
    /// Records written before a mid-batch I/O failure stay stored.
    package func putMessages(_ messages: [StoredMessage]) async throws(StoreError) -> PutMessageResult {
        guard isRunning else { throw StoreError(.notRunning, "store is not running") }
        guard !isDiskFull else { throw StoreError(.diskFull, "disk usage above \(configuration.diskFullRatio)") }
        guard !messages.isEmpty else { return PutMessageResult(status: .putOK, messages: []) }
        var records: [PreparedRecord] = []
        records.reserveCapacity(messages.count)
        for message in messages {
            records.append(try PreparedRecord(message, configuration: configuration))
        }
        let queue = appendQueue
        let records2 = records
        do {
            return try await withCheckedThrowingContinuation { continuation in
                if !queue.enqueue(AppendRequest(records: records2, continuation: continuation)) {
                    continuation.resume(throwing: StoreError(.notRunning, "store is shutting down"))
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.ioFailure, "\(error)")
        }
    }

    /// The writer thread: takes every queued request, writes and dispatches them, flushes once
    /// in sync mode, then completes them all.
    func writerLoop() {
        while let requests = appendQueue.takeAll() {
            var outcomes: [Result<[AppendedMessage], StoreError>] = []
            outcomes.reserveCapacity(requests.count)
            var arrivals: [QueueKey: MessageArrival] = [:]
            for request in requests {
                if isDiskFull {
                    outcomes.append(.failure(StoreError(.diskFull, "disk is full")))
                    continue
                }
                do {
                    outcomes.append(.success(try write(request.records, arrivals: &arrivals)))
                } catch {
                    if error.code == .diskFull { diskFull.store(true, ordering: .releasing) }
                    outcomes.append(.failure(error))
                }
            }
            var status = PutMessageStatus.putOK
            if configuration.flushMode == .sync {
                let started = ContinuousClock.now
                do {
                    try commitLog.flush()
                    if ContinuousClock.now - started > configuration.syncFlushTimeout { status = .flushDiskTimeout }
                } catch {
                    logger.error("commit log flush failed", metadata: ["store.error": "\(error)"])
                    outcomes = outcomes.map { outcome in
                        if case .success = outcome { return .failure(error) }
                        return outcome
                    }
                }
            }
            for (request, outcome) in zip(requests, outcomes) {
                switch outcome {
                case .success(let appended):
                    request.continuation.resume(returning: PutMessageResult(status: status, messages: appended))
                case .failure(let error):
                    request.continuation.resume(throwing: error)
                }
            }
            if let onMessageArrived {
                for arrival in arrivals.values { onMessageArrived(arrival) }
            }
        }
    }

    private func write(_ records: [PreparedRecord], arrivals: inout [QueueKey: MessageArrival]) throws(StoreError)
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
                arrivals[record.key] = MessageArrival(
                    topic: record.key.topic, queueID: record.key.queueID, maxOffset: queueOffset + 1,
                    tagsCode: record.tagsCode, storeTimestamp: timestamp)
            }
            appended.append(
                AppendedMessage(
                    physicalOffset: physicalOffset, size: length, queueOffset: queueOffset, storeTimestamp: timestamp,
                    offsetMessageID: OffsetMessageID(storeHost: configuration.storeHost, commitLogOffset: physicalOffset)))
        }
        return appended
    }

    /// Adds a record to its consume queue and the index (the "dispatcher"); also used when
    /// recovery re-dispatches records from the commit log. Writer thread only.
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
