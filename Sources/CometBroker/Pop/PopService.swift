package import CometCore
package import CometStore
package import Logging
import NIOCore
import Synchronization

/// POP consumption (RocketMQ 5.x, what gRPC consumers use): the broker hands out messages with a
/// receipt handle and an invisible time instead of letting consumers own queues and offsets.
///
/// An unacknowledged message becomes visible again when its invisible time ends and is handed out
/// with its delivery attempt + 1; after `maxDeliveryAttempts` it goes to `%DLQ%<group>`. FIFO
/// consumers get at most one message per message group at a time. Every change is journaled
/// (``PopJournal``) before the caller answers, so the state survives a crash. The group's
/// consumer offset (what lag and offset queries show) follows the oldest unacknowledged message.
package final class PopService: Sendable {
    /// A message handed out by ``receive(_:store:)``.
    package struct Popped: Sendable {
        /// The stored message (its queue offset and physical offset filled in).
        package var message: StoredMessage
        /// Delivery attempt, 1 for the first delivery.
        package var attempt: Int32
        /// What ack and change-invisible-duration name it by.
        package var receiptHandle: ReceiptHandle
        /// When it becomes visible again unless acknowledged (ms).
        package var invisibleUntil: Int64
    }

    /// Separates a broadcasting group from a client id in the POP state of one client
    /// (`group@clientID`): `@` cannot occur in group names, so such keys never meet a group's.
    package static let instanceSeparator: Character = "@"

    /// What a receive asks for.
    package struct Request: Sendable {
        package var group: String
        package var topic: String
        /// Queues to take from, in order of preference.
        package var queueIDs: [Int32]
        package var filter: PopFilter
        package var maxCount: Int
        package var invisibleMillis: Int64
        /// One message group in flight at a time.
        package var fifo: Bool
        /// How long to wait for a message when none is visible (0 = answer at once).
        package var pollMillis: Int64
        /// Attempts after which a message goes to the dead-letter topic.
        package var maxDeliveryAttempts: Int32

        package init(
            group: String, topic: String, queueIDs: [Int32], filter: PopFilter, maxCount: Int, invisibleMillis: Int64,
            fifo: Bool, pollMillis: Int64, maxDeliveryAttempts: Int32
        ) {
            self.group = group
            self.topic = topic
            self.queueIDs = queueIDs
            self.filter = filter
            self.maxCount = maxCount
            self.invisibleMillis = invisibleMillis
            self.fifo = fifo
            self.pollMillis = pollMillis
            self.maxDeliveryAttempts = maxDeliveryAttempts
        }
    }

    /// Why an ack or a change of invisible time was refused.
    package enum HandleError: Error, Sendable, Equatable {
        /// The handle does not parse or names another queue.
        case malformed
        /// The message was acknowledged already or handed out again since (an older handle).
        case stale
    }

    typealias Key = PopJournal.Key

    private struct State {
        var queues: [Key: PopQueueState]
        var sequence: UInt64
    }

    private let state: Mutex<State>
    private let journal: PopJournal
    /// Long-poll waiters, woken by store arrivals.
    package let waiters = PopWaiters()
    private let offsets: ConsumerOffsetManager
    private let clock: WallClock
    private let logger: Logger

    /// Opens (replaying) the POP journal in `configDirectory`.
    package init(
        configDirectory: String, offsets: ConsumerOffsetManager, clock: WallClock, logger: Logger
    )
        throws(CometError)
    {
        journal = try PopJournal(path: configDirectory + "/popJournal")
        let replayed = journal.replayed
        state = Mutex(State(queues: replayed.queues, sequence: replayed.maxSequence))
        self.offsets = offsets
        self.clock = clock
        self.logger = logger
    }

    /// Number of messages handed out and not acknowledged, across groups.
    package var inFlightCount: Int {
        state.withLock { $0.queues.values.reduce(0) { $0 + $1.entries.values.filter { $0.attempt > 0 }.count } }
    }

    /// Hands out up to `maxCount` visible messages of the request's queues, waiting up to
    /// `pollMillis` for one to arrive or become visible again. Dead-letters messages past their
    /// last attempt on the way.
    package func receive(_ request: Request, store: MessageStore) async throws(CometError) -> [Popped] {
        let deadline = clock.nowMillis() + max(0, request.pollMillis)
        while true {
            let version = waiters.version(of: request.topic)
            var result: [Popped] = []
            for queueID in request.queueIDs where result.count < request.maxCount {
                let key = Key(group: request.group, topic: request.topic, queueID: queueID)
                result += try await pop(key, request, maxCount: request.maxCount - result.count, store: store)
            }
            let now = clock.nowMillis()
            if !result.isEmpty || now >= deadline || Task.isCancelled || waiters.isShutdown { return result }
            let keys = request.queueIDs.map { Key(group: request.group, topic: request.topic, queueID: $0) }
            let reappears = state.withLock { state in
                keys.compactMap { state.queues[$0]?.earliestVisibility(after: now) }.min()
            }
            await waiters.wait(topic: request.topic, since: version, deadline: min(deadline, reappears ?? deadline))
        }
    }

    /// One queue: redeliveries first (oldest first), then new messages.
    private func pop(
        _ key: Key, _ request: Request, maxCount: Int, store: MessageStore
    ) async throws(CometError)
        -> [Popped]
    {
        let now = clock.nowMillis()
        let visibleAt = now + request.invisibleMillis
        // 1. Reserve what is visible again, under the lock, so concurrent receives never share it.
        let (again, dead, startNext) = try state.withLock { state throws(CometError) in
            var batch = PopJournal.Batch()
            var queue = try self.queue(key, in: &state, batch: &batch, store: store)
            var again: [(Int64, PopQueueState.Entry)] = []
            var dead: [(Int64, PopQueueState.Entry)] = []
            for offset in queue.visibleOffsets(now: now, fifo: request.fifo) where again.count < maxCount {
                state.sequence += 1
                let attempts = queue.entries[offset]!.attempt
                if attempts >= request.maxDeliveryAttempts {
                    // Hidden for a minute while it is copied to the dead-letter topic.
                    var entry = queue.entries[offset]!
                    entry.visibleAt = now + 60_000
                    entry.sequence = state.sequence
                    queue.entries[offset] = entry
                    batch.set(key, offset: offset, entry)
                    dead.append((offset, entry))
                } else if let entry = queue.redeliver(offset, visibleAt: visibleAt, sequence: state.sequence) {
                    batch.set(key, offset: offset, entry)
                    again.append((offset, entry))
                }
            }
            state.queues[key] = queue
            try journal.append(batch)
            return (again, dead, queue.next)
        }
        for (offset, entry) in dead {
            await deadLetter(key, offset: offset, sequence: entry.sequence, attempts: entry.attempt, store: store)
        }

        var result: [Popped] = []
        for (offset, entry) in again {
            guard let message = try await read(key, offset: offset, store: store) else {
                // Deleted by retention meanwhile: nothing left to deliver.
                acknowledge(key, offset: offset)
                continue
            }
            result.append(
                Popped(
                    message: message, attempt: entry.attempt,
                    receiptHandle: ReceiptHandle(queueID: key.queueID, offset: offset, sequence: entry.sequence),
                    invisibleUntil: entry.visibleAt))
        }
        guard result.count < maxCount else { return result }

        // 2. New messages from `next`; if another receive moved `next` meanwhile, leave them to it.
        let incoming = try await readNew(key, from: startNext, maxCount: maxCount - result.count, request.filter, store)
        let fresh = try state.withLock { state throws(CometError) -> [Popped] in
            guard var queue = state.queues[key], queue.next == startNext else { return [] }
            var batch = PopJournal.Batch()
            var busy = request.fifo ? queue.busyGroups : []
            var fresh: [Popped] = []
            queue.next = incoming.next
            batch.advance(key, next: incoming.next)
            for message in incoming.messages {
                let group = message.properties[MessagePropertyKey.shardingKey] ?? ""
                if request.fifo && !group.isEmpty && busy.contains(group) {
                    let entry = PopQueueState.Entry(attempt: 0, visibleAt: 0, sequence: 0, messageGroup: group)
                    queue.entries[message.queueOffset] = entry
                    batch.set(key, offset: message.queueOffset, entry)
                    continue
                }
                if request.fifo && !group.isEmpty { busy.insert(group) }
                state.sequence += 1
                let entry = PopQueueState.Entry(
                    attempt: 1, visibleAt: visibleAt, sequence: state.sequence, messageGroup: group)
                queue.entries[message.queueOffset] = entry
                batch.set(key, offset: message.queueOffset, entry)
                fresh.append(
                    Popped(
                        message: message, attempt: 1,
                        receiptHandle: ReceiptHandle(
                            queueID: key.queueID, offset: message.queueOffset, sequence: state.sequence),
                        invisibleUntil: visibleAt))
            }
            state.queues[key] = queue
            try journal.append(batch)
            return fresh
        }
        if !incoming.messages.isEmpty || incoming.next != startNext { commitOffset(key) }
        return result + fresh
    }

    /// The queue's state, created on first use at the group's committed (remoting) offset, else at
    /// the queue's first message.
    private func queue(
        _ key: Key, in state: inout State, batch: inout PopJournal.Batch, store: MessageStore
    )
        throws(CometError) -> PopQueueState
    {
        if let queue = state.queues[key] { return queue }
        // A broadcasting client starts with what arrives after it (remoting broadcasting's
        // CONSUME_FROM_LAST_OFFSET); a group at its committed offset, else at the first message.
        let start =
            key.isClientInstance
            ? store.maxOffset(topic: key.topic, queueID: key.queueID)
            : offsets.offset(group: key.group, topic: key.topic, queueId: key.queueID)
                ?? store.minOffset(topic: key.topic, queueID: key.queueID)
        batch.reset(key, next: start)
        return PopQueueState(next: start)
    }

    private struct NewMessages {
        var messages: [StoredMessage]
        var next: Int64
    }

    private func readNew(
        _ key: Key, from offset: Int64, maxCount: Int, _ filter: PopFilter, _ store: MessageStore
    )
        async throws(CometError) -> NewMessages
    {
        let result: GetMessageResult
        do {
            if case .sql(let sql) = filter {
                result = try await store.getMessages(
                    topic: key.topic, queueID: key.queueID, offset: offset, maxCount: maxCount, filter: sql)
            } else {
                result = try await store.getMessages(
                    topic: key.topic, queueID: key.queueID, offset: offset, maxCount: maxCount,
                    tagsCodes: filter.tagsCodes)
            }
        } catch {
            throw CometError(.io, "cannot read \(key.topic)/\(key.queueID): \(error.message)", cause: error)
        }
        switch result.status {
        case .found, .noMatchedMessage, .messageWasRemoving, .offsetTooSmall:
            var messages: [StoredMessage] = []
            for slice in result.messages {
                guard var message = try? slice.decode() else { continue }
                message.queueOffset = slice.queueOffset
                if filter.accepts(message) { messages.append(message) }
            }
            return NewMessages(messages: messages, next: max(offset, result.nextBeginOffset))
        case .offsetOverflowBadly:
            // The queue is shorter than the state thinks (store replaced): start at its end.
            return NewMessages(messages: [], next: result.nextBeginOffset)
        case .offsetFoundNull, .offsetOverflowOne, .noMessageInQueue, .noMatchedLogicQueue:
            return NewMessages(messages: [], next: offset)
        }
    }

    private func read(_ key: Key, offset: Int64, store: MessageStore) async throws(CometError) -> StoredMessage? {
        let result: GetMessageResult
        do {
            result = try await store.getMessages(topic: key.topic, queueID: key.queueID, offset: offset, maxCount: 1)
        } catch {
            throw CometError(.io, "cannot read \(key.topic)/\(key.queueID)@\(offset): \(error.message)", cause: error)
        }
        guard let slice = result.messages.first, slice.queueOffset == offset, var message = try? slice.decode()
        else { return nil }
        message.queueOffset = offset
        return message
    }

    /// Acknowledges a handed-out message.
    package func ack(
        group: String, topic: String, handle: ReceiptHandle
    ) throws(CometError) -> Result<Void, HandleError> {
        let key = Key(group: group, topic: topic, queueID: handle.queueID)
        let outcome = try state.withLock { state throws(CometError) -> Result<Void, HandleError> in
            guard var queue = state.queues[key] else { return .failure(.malformed) }
            guard queue.holds(handle.offset, sequence: handle.sequence) else { return .failure(.stale) }
            queue.ack(handle.offset)
            state.queues[key] = queue
            var batch = PopJournal.Batch()
            batch.ack(key, offset: handle.offset)
            try journal.append(batch)
            return .success(())
        }
        if case .success = outcome { commitOffset(key) }
        return outcome
    }

    /// Makes a handed-out message invisible for `millis` from now (0 = visible at once) and
    /// returns the handle of this new delivery period.
    package func changeInvisibleTime(
        group: String, topic: String, handle: ReceiptHandle, millis: Int64
    )
        throws(CometError) -> Result<(ReceiptHandle, Int64), HandleError>
    {
        let key = Key(group: group, topic: topic, queueID: handle.queueID)
        let now = clock.nowMillis()
        return try state.withLock { state throws(CometError) -> Result<(ReceiptHandle, Int64), HandleError> in
            guard var queue = state.queues[key] else { return .failure(.malformed) }
            guard queue.holds(handle.offset, sequence: handle.sequence), var entry = queue.entries[handle.offset] else {
                return .failure(.stale)
            }
            state.sequence += 1
            entry.sequence = state.sequence
            entry.visibleAt = now + max(0, millis)
            queue.entries[handle.offset] = entry
            state.queues[key] = queue
            var batch = PopJournal.Batch()
            batch.set(key, offset: handle.offset, entry)
            try journal.append(batch)
            return .success(
                (
                    ReceiptHandle(queueID: handle.queueID, offset: handle.offset, sequence: entry.sequence),
                    entry.visibleAt
                ))
        }
    }

    /// Copies a handed-out message to `%DLQ%<group>` and acknowledges it (a client gave up on it).
    package func forwardToDeadLetter(
        group: String, topic: String, handle: ReceiptHandle, store: MessageStore
    )
        async throws(CometError) -> Result<Void, HandleError>
    {
        let key = Key(group: group, topic: topic, queueID: handle.queueID)
        let attempts = state.withLock { state -> Int32? in
            guard let queue = state.queues[key], queue.holds(handle.offset, sequence: handle.sequence) else {
                return nil
            }
            return queue.entries[handle.offset]?.attempt
        }
        guard let attempts else { return .failure(.stale) }
        await deadLetter(key, offset: handle.offset, sequence: handle.sequence, attempts: attempts, store: store)
        return .success(())
    }

    /// Called with the DLQ topic to create (the broker's topic manager) before a dead-letter put.
    package typealias DeadLetterTopicMaker = @Sendable (_ group: String) throws(CometError) -> Void

    private let deadLetterTopicMaker = Mutex<DeadLetterTopicMaker?>(nil)

    /// Installs what creates `%DLQ%<group>` on first use.
    package func setDeadLetterTopicMaker(_ maker: @escaping DeadLetterTopicMaker) {
        deadLetterTopicMaker.withLock { $0 = maker }
    }

    private func deadLetter(_ key: Key, offset: Int64, sequence: UInt64, attempts: Int32, store: MessageStore) async {
        do {
            if let message = try await read(key, offset: offset, store: store) {
                try deadLetterTopicMaker.withLock { $0 }?(key.consumerGroup)
                var copy = StoredMessage(
                    topic: TopicConfigManager.dlqPrefix + key.consumerGroup, queueID: 0, body: message.body,
                    properties: message.properties, flag: message.flag, sysFlag: message.sysFlag,
                    bornTimestamp: message.bornTimestamp, bornHost: message.bornHost,
                    storeHost: store.configuration.storeHost,
                    reconsumeTimes: attempts)
                if copy.properties[MessagePropertyKey.retryTopic] == nil {
                    copy.properties[MessagePropertyKey.retryTopic] = message.topic
                }
                if copy.properties[MessagePropertyKey.originMessageID] == nil {
                    copy.properties[MessagePropertyKey.originMessageID] =
                        OffsetMessageID(storeHost: message.storeHost, commitLogOffset: message.physicalOffset)
                        .description
                }
                do {
                    _ = try await store.putMessage(copy)
                } catch {
                    throw CometError(.io, "cannot store a dead letter: \(error.message)", cause: error)
                }
                logger.info(
                    "moved a message to the dead-letter topic",
                    metadata: [
                        "group": "\(key.group)", "topic": "\(key.topic)", "offset": "\(offset)",
                        "attempts": "\(attempts)",
                    ])
            }
            acknowledge(key, offset: offset)
        } catch {
            // Stays hidden for a minute, then the next receive tries again.
            logger.error(
                "cannot dead-letter a message: \(error)", metadata: ["group": "\(key.group)", "offset": "\(offset)"])
        }
    }

    private func acknowledge(_ key: Key, offset: Int64) {
        do {
            try state.withLock { state throws(CometError) in
                guard state.queues[key]?.ack(offset) == true else { return }
                var batch = PopJournal.Batch()
                batch.ack(key, offset: offset)
                try journal.append(batch)
            }
            commitOffset(key)
        } catch {
            logger.error("cannot journal a POP acknowledgement: \(error)")
        }
    }

    private func commitOffset(_ key: Key) {
        // A broadcasting client's progress is its own, as a remoting broadcasting consumer's local offsets.
        guard !key.isClientInstance else { return }
        guard let offset = state.withLock({ $0.queues[key]?.committedOffset }) else { return }
        offsets.commit(group: key.group, topic: key.topic, queueId: key.queueID, offset: offset)
    }

    /// The group's consume offset of a queue under POP (oldest unacknowledged), if it popped there.
    package func committedOffset(group: String, topic: String, queueID: Int32) -> Int64? {
        state.withLock { $0.queues[Key(group: group, topic: topic, queueID: queueID)]?.committedOffset }
    }

    /// Rewrites the journal compactly once it has grown past `limit` bytes since the last time.
    package func compactIfNeeded(limit: Int = 32 << 20) {
        do {
            try state.withLock { state throws(CometError) in
                guard journal.bytesSinceCompaction > limit else { return }
                try journal.rewrite(state.queues)
            }
        } catch {
            logger.error("cannot compact the POP journal: \(error)")
        }
    }
}
