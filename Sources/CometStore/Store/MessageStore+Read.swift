package import CometCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension MessageStore {
    private static let physicalMemory: Int64 = {
        Int64(sysconf(Int32(_SC_PHYS_PAGES))) * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }()

    /// Reads up to `maxCount` records / `maxBytes` bytes from a queue starting at `offset`,
    /// keeping only records whose tags code is in `tagsCodes` (nil = all), on a store thread.
    /// Semantics follow upstream `DefaultMessageStore#getMessage` (see ``GetMessageStatus``).
    /// `maxBytes` nil = the configured in-memory / on-disk transfer limits.
    package func getMessages(
        topic: String, queueID: Int32, offset: Int64, maxCount: Int, maxBytes: Int? = nil,
        tagsCodes: Set<Int64>? = nil
    ) async throws(StoreError) -> GetMessageResult {
        try await onReaderThread {
            self.getMessagesNow(
                topic: topic, queueID: queueID, offset: offset, maxCount: maxCount, maxBytes: maxBytes,
                tagsCodes: tagsCodes)
        }
    }

    /// Synchronous form of ``getMessages(topic:queueID:offset:maxCount:maxBytes:tagsCodes:)``;
    /// may page-fault on cold data, so never call it on an event loop.
    package func getMessagesNow(
        topic: String, queueID: Int32, offset: Int64, maxCount: Int, maxBytes: Int? = nil,
        tagsCodes: Set<Int64>? = nil
    ) -> GetMessageResult {
        var result = GetMessageResult(
            status: .noMatchedLogicQueue, nextBeginOffset: 0, minOffset: 0, maxOffset: 0,
            messages: [], suggestPullingFromSlave: false)
        guard let queue = queues.find(topic, queueID) else { return result }
        let minOffset = queue.minOffset
        let maxOffset = queue.maxOffset
        result.minOffset = minOffset
        result.maxOffset = maxOffset
        if maxOffset == 0 {
            result.status = .noMessageInQueue
            result.nextBeginOffset = 0
            return result
        }
        if offset < minOffset {
            result.status = .offsetTooSmall
            result.nextBeginOffset = minOffset
            return result
        }
        if offset == maxOffset {
            result.status = .offsetOverflowOne
            result.nextBeginOffset = offset
            return result
        }
        if offset > maxOffset {
            result.status = .offsetOverflowBadly
            result.nextBeginOffset = maxOffset
            return result
        }
        let logMax = commitLog.maxOffset
        let logMin = commitLog.minOffset
        let memoryLimit = Int64(Double(Self.physicalMemory) * configuration.accessMessageInMemoryMaxRatio)
        let scanLimit = max(800, maxCount)
        var current = offset
        var scanned = 0
        var bytes = 0
        var sawRemoved = false
        while current < maxOffset, scanned < scanLimit, result.messages.count < maxCount {
            guard let entry = queue.entry(at: current) else { break }
            let size = Int(entry.messageSize)
            if size <= 0 {
                current += 1
                scanned += 1
                continue
            }
            if entry.commitLogOffset < logMin {
                sawRemoved = true
                current += 1
                scanned += 1
                continue
            }
            let onDisk = logMax - entry.commitLogOffset > memoryLimit
            let countLimit = onDisk ? configuration.maxTransferCountOnDisk : configuration.maxTransferCountInMemory
            let byteLimit =
                maxBytes ?? (onDisk ? configuration.maxTransferBytesOnDisk : configuration.maxTransferBytesInMemory)
            let reachedCount = maxBytes == nil && result.messages.count >= countLimit
            if !result.messages.isEmpty && (bytes + size > byteLimit || reachedCount) {
                break
            }
            if let tagsCodes, !tagsCodes.contains(entry.tagsCode) {
                current += 1
                scanned += 1
                continue
            }
            guard let (segment, position) = commitLog.slice(at: entry.commitLogOffset, size: size) else {
                sawRemoved = true
                current += 1
                scanned += 1
                continue
            }
            result.messages.append(
                StoredMessageSlice(
                    segment: segment, position: position, physicalOffset: entry.commitLogOffset, size: size,
                    queueOffset: current, tagsCode: entry.tagsCode))
            result.suggestPullingFromSlave = onDisk
            bytes += size
            current += 1
            scanned += 1
        }
        result.nextBeginOffset = current
        if !result.messages.isEmpty {
            result.status = .found
        } else if sawRemoved {
            result.status = .messageWasRemoving
        } else {
            result.status = .noMatchedMessage
        }
        return result
    }

    /// Whether a read of up to `maxCount` records from `offset` of a queue would find its
    /// consume-queue units and records in the page cache (checked with `mincore`), so it may run
    /// on an event loop. True when there is nothing to read (the answer needs no data).
    package func isResident(topic: String, queueID: Int32, offset: Int64, maxCount: Int) -> Bool {
        guard let queue = queues.find(topic, queueID) else { return true }
        // The offset is the client's: any Int64 (a pull at Int64.max must not trap here).
        let last = min(queue.maxOffset, offset.addingSaturating(Int64(max(1, maxCount)))) - 1
        guard offset >= queue.minOffset, offset <= last else { return true }
        guard queue.isResident(from: offset, through: last), let first = queue.entry(at: offset),
            let final = queue.entry(at: last)
        else { return false }
        let end = max(first.commitLogOffset, final.commitLogOffset + Int64(max(0, final.messageSize)))
        // Records of one queue spread over a huge stretch of the log: not worth checking.
        guard end - first.commitLogOffset <= 64 << 20 else { return false }
        var from = first.commitLogOffset
        while from < end {
            guard let segment = commitLog.segment(containing: from) else { return false }
            let position = Int(from - segment.startOffset)
            let until = min(end, segment.startOffset + Int64(segment.size))
            guard segment.isResident(position..<Int(until - segment.startOffset)) else { return false }
            from = until
        }
        return true
    }

    /// Min offset of a queue (0 if unknown).
    package func minOffset(topic: String, queueID: Int32) -> Int64 {
        queues.find(topic, queueID)?.minOffset ?? 0
    }

    /// Max offset of a queue — the next offset to be written (0 if unknown).
    package func maxOffset(topic: String, queueID: Int32) -> Int64 {
        queues.find(topic, queueID)?.maxOffset ?? 0
    }

    /// Queue ids that exist for a topic, sorted.
    package func queueIDs(topic: String) -> [Int32] {
        queues.all.filter { $0.topic == topic }.map(\.queueID).sorted()
    }

    /// The record at a commit-log offset as a zero-copy slice, if a record the broker wrote
    /// starts there.
    ///
    /// Clients choose these offsets (VIEW_MESSAGE_BY_ID, CONSUMER_SEND_MSG_BACK, END_TRANSACTION),
    /// and a message body can hold bytes that parse as a record, PHYSICALOFFSET and CRC included.
    /// So the record must also be the one its own consume queue names: the entry at its
    /// QUEUEOFFSET in its TOPIC/QUEUEID points back at this offset with this size. Only the
    /// broker writes consume queues, so a forged record never passes.
    ///
    /// Records that never get a consume-queue entry (prepared or rolled-back transaction types)
    /// cannot be proven that way; they are found only with `requireQueueEntry: false`, which
    /// callers serving client-chosen offsets never pass.
    package func lookMessageSlice(commitLogOffset: Int64, requireQueueEntry: Bool = true) -> StoredMessageSlice? {
        guard commitLogOffset >= commitLog.minOffset, commitLogOffset < commitLog.maxOffset,
            let (segment, position) = commitLog.slice(at: commitLogOffset, size: 8)
        else { return nil }
        let view = segment.view(position..<max(position, segment.allocated))
        guard case .message(let size) = StoredMessageHeader.peek(view),
            commitLogOffset + Int64(size) <= commitLog.maxOffset, size <= view.count,
            let header = try? StoredMessageHeader.parse(UnsafeRawBufferPointer(rebasing: view[0..<size])),
            header.physicalOffset == commitLogOffset
        else { return nil }
        if requireQueueEntry || header.sysFlag.isDispatchedToConsumeQueue {
            guard let entry = queues.find(header.topic, header.queueID)?.entry(at: header.queueOffset),
                entry.commitLogOffset == commitLogOffset, Int(entry.messageSize) == size
            else { return nil }
        }
        let queueOffset = header.queueOffset
        return StoredMessageSlice(
            segment: segment, position: position, physicalOffset: commitLogOffset, size: size, queueOffset: queueOffset,
            tagsCode: 0)
    }

    /// Decodes the record at a commit-log offset (nil if deleted or not a record boundary; see
    /// ``lookMessageSlice(commitLogOffset:requireQueueEntry:)``).
    package func lookMessage(commitLogOffset: Int64, requireQueueEntry: Bool = true) -> StoredMessage? {
        guard let slice = lookMessageSlice(commitLogOffset: commitLogOffset, requireQueueEntry: requireQueueEntry),
            let message = try? slice.decode(), message.physicalOffset == commitLogOffset
        else { return nil }
        return message
    }

    /// Decodes the record named by an offset message id (message-format.md §6.1).
    package func lookMessage(offsetMessageID: String) -> StoredMessage? {
        guard let id = OffsetMessageID(offsetMessageID) else { return nil }
        return lookMessage(commitLogOffset: id.commitLogOffset)
    }

    /// STORETIMESTAMP of the record at `offset` of `size` bytes, if readable.
    func storeTimestamp(ofRecordAt offset: Int64, size: Int) -> Int64? {
        guard let (segment, position) = commitLog.slice(at: offset, size: size), size >= 91 else { return nil }
        let view = segment.view(position..<position + size)
        let flags = MessageSysFlag(
            rawValue: StoredMessageLayout.load(view, StoredMessageLayout.sysFlagPosition, as: Int32.self))
        return StoredMessageLayout.load(
            view, StoredMessageLayout.storeTimestampPosition(sysFlag: flags), as: Int64.self)
    }

    /// Store timestamp of the message at a queue offset, if present.
    package func storeTimestamp(topic: String, queueID: Int32, offset: Int64) -> Int64? {
        guard let queue = queues.find(topic, queueID), let entry = queue.entry(at: offset), entry.messageSize > 0
        else { return nil }
        return storeTimestamp(ofRecordAt: entry.commitLogOffset, size: Int(entry.messageSize))
    }

    /// The first queue offset whose store timestamp is ≥ `timestamp` (binary search), for
    /// "reset offset by time"; the max offset if every message is older, the min offset if
    /// every message is newer.
    package func offset(forTimestamp timestamp: Int64, topic: String, queueID: Int32) -> Int64 {
        guard let queue = queues.find(topic, queueID) else { return 0 }
        var low = queue.minOffset
        var high = queue.maxOffset
        while low < high {
            let mid = low + (high - low) / 2
            let midTime = storeTimestamp(topic: topic, queueID: queueID, offset: mid) ?? Int64.min
            if midTime < timestamp { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Runs `body` on the reader pool.
    func onReaderThread<T: Sendable>(
        _ body: @escaping @Sendable () throws(StoreError) -> T
    ) async throws(StoreError)
        -> T
    {
        guard isRunning else { throw StoreError(.notRunning, "store is not running") }
        do {
            return try await readerPool.runIfActive { try body() }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.notRunning, "\(error)")
        }
    }
}
