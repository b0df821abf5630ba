package import CometCore
package import CometProtocol
import CometRemoting
package import CometStore
package import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Transactional messages (storage-format.md §10): resolves half messages on END_TRANSACTION and
/// asks producers about the ones left unresolved (CHECK_TRANSACTION_STATE).
///
/// Resolutions are op records in `RMQ_SYS_TRANS_OP_HALF_TOPIC` (tag `d`, body = the half
/// message's queue offset), so they survive restarts with the store; on start both topics are
/// read again to rebuild the ``HalfMessageTable``. Check counts are kept in
/// `config/transactionCheck.json`.
package final class TransactionalMessageService: Sendable {
    private struct State {
        var table = HalfMessageTable()
        var opOffset: Int64 = 0
        var savedCheckTimes: [Int64: Int32] = [:]
    }

    /// Where half messages go when the producer never resolved them.
    package static let checkMaxTimeTopic = "TRANS_CHECK_MAX_TIME_TOPIC"

    /// What the service needs from the broker (it is created inside the controller).
    package struct Context: Sendable {
        /// Check interval, timeout, max checks and the config folder.
        package var configuration: BrokerConfiguration
        /// Routes committed messages that carry a delay.
        package var scheduler: MessageScheduler
        /// Live producer connections to send checks to.
        package var producers: ProducerManager
        /// Where `TRANS_CHECK_MAX_TIME_TOPIC` is created.
        package var topics: TopicConfigManager
        /// Time of commits, ops and check rounds.
        package var clock: WallClock
        /// The broker's logger.
        package var logger: Logger
        /// Rung when a half message or a resolution is stored, so the loop reads it at once.
        package var arrivals = WakeSignal()
    }

    private let controller: Context
    private let path: String
    private let state = Mutex(State())
    private let inFlight = Mutex<Set<Int64>>([])

    /// A service that reads the store once ``run(store:)`` starts.
    package init(_ context: Context) {
        controller = context
        path = context.configuration.configDirectory + "/transactionCheck.json"
    }

    /// Unresolved half messages read so far.
    package var pendingCount: Int { state.withLock { $0.table.pending.count } }

    /// Reads the op and half topics from the start of the store, then checks back every
    /// `transactionCheckInterval` until cancelled or the broker shuts down. Between rounds it
    /// sleeps on the injected clock, woken only when a half message or a resolution is stored.
    package func run(store: MessageStore) async {
        let configuration = controller.configuration
        do {
            let saved = try JSONFile.read(path)?["checkTimes"]?.objectValue ?? [:]
            let times = Dictionary(
                uniqueKeysWithValues: saved.compactMap { key, value in
                    Int64(key).flatMap { k in value.int64Value.map { (k, Int32(clamping: $0)) } }
                })
            state.withLock { $0.savedCheckTimes = times }
        } catch {
            controller.logger.error("cannot read transaction check counts: \(error.message)")
        }
        state.withLock { state in
            state.opOffset = store.minOffset(topic: MessageScheduler.opTopic, queueID: 0)
            state.table = HalfMessageTable(scanOffset: store.minOffset(topic: MessageScheduler.halfTopic, queueID: 0))
        }
        await cancelWhenGracefulShutdown {
            var lastRound = self.controller.clock.nowMillis()
            let interval = Self.millis(configuration.transactionCheckInterval)
            while !Task.isCancelled {
                await self.sync(store: store)
                let now = self.controller.clock.nowMillis()
                if now - lastRound >= interval {
                    lastRound = now
                    await self.checkRound(store: store, now: now)
                }
                await self.controller.arrivals.wait(untilMillis: lastRound + interval, clock: self.controller.clock)
            }
        }
    }

    /// Reads new op and half records into the table.
    package func sync(store: MessageStore) async {
        let opTopic = MessageScheduler.opTopic
        while true {
            let offset = state.withLock { $0.opOffset }
            guard offset < store.maxOffset(topic: opTopic, queueID: 0),
                let result = try? await store.getMessages(topic: opTopic, queueID: 0, offset: offset, maxCount: 1024),
                result.nextBeginOffset > offset
            else { break }
            let resolved = result.messages.compactMap { slice -> Int64? in
                guard let op = try? slice.decode() else { return nil }
                return Int64(String(buffer: op.body))
            }
            state.withLock { state in
                for offset in resolved { state.table.resolved(offset) }
                state.opOffset = result.nextBeginOffset
            }
        }
        let halfTopic = MessageScheduler.halfTopic
        while true {
            let offset = state.withLock { $0.table.scanOffset }
            guard offset < store.maxOffset(topic: halfTopic, queueID: 0),
                let result = try? await store.getMessages(topic: halfTopic, queueID: 0, offset: offset, maxCount: 1024),
                result.nextBeginOffset > offset
            else { break }
            let halves = result.messages.compactMap { slice -> HalfMessage? in
                guard let half = try? slice.decode() else { return nil }
                return HalfMessage(
                    queueOffset: slice.queueOffset, commitLogOffset: half.physicalOffset,
                    storeTimestamp: half.storeTimestamp,
                    producerGroup: half.properties[MessagePropertyKey.producerGroup] ?? "",
                    immunityMillis: immunityMillis(half.properties, at: slice.queueOffset))
            }
            state.withLock { state in
                for var half in halves {
                    half.checkTimes = state.savedCheckTimes[half.queueOffset] ?? 0
                    state.table.halfRead(half)
                }
                state.table.skip(to: result.nextBeginOffset)
            }
        }
    }

    /// One check-back round: asks live producers about half messages older than the timeout,
    /// discards those asked `transactionCheckMax` times.
    package func checkRound(store: MessageStore, now: Int64) async {
        let configuration = controller.configuration
        let actions = state.withLock {
            $0.table.dueChecks(
                now: now, timeoutMillis: Self.millis(configuration.transactionTimeout),
                maxChecks: configuration.transactionCheckMax)
        }
        guard !actions.isEmpty else { return }
        for action in actions {
            switch action {
            case .discard(let half):
                controller.logger.warning(
                    "discarding a half message the producer never resolved",
                    metadata: [
                        "offset": "\(half.queueOffset)", "group": "\(half.producerGroup)",
                        "checks": "\(half.checkTimes)",
                    ])
                _ = try? controller.topics.createIfAbsent(
                    TopicConfig(topicName: Self.checkMaxTimeTopic, readQueueNums: 1, writeQueueNums: 1))
                if var copy = store.lookMessage(commitLogOffset: half.commitLogOffset) {
                    // Kept for operators, like upstream's TRANS_CHECK_MAX_TIME_TOPIC.
                    copy.topic = Self.checkMaxTimeTopic
                    copy.queueID = 0
                    _ = try? await store.putMessage(copy)
                }
                _ = try? await writeOp(halfOffset: half.queueOffset, store: store)
            case .check(let half):
                sendCheck(half, store: store)
            }
        }
        persistCheckTimes()
    }

    private func sendCheck(_ half: HalfMessage, store: MessageStore) {
        guard let message = store.lookMessage(commitLogOffset: half.commitLogOffset) else { return }
        var restored = message
        if let topic = message.properties[MessagePropertyKey.realTopic] { restored.topic = topic }
        if let queue = message.properties[MessagePropertyKey.realQueueID].flatMap({ Int32($0) }) {
            restored.queueID = queue
        }
        guard let connection = controller.producers.anyConnection(group: half.producerGroup) else {
            if let external = controller.producers.external,
                external(half.producerGroup, restored, half.commitLogOffset, half.queueOffset)
            {
                controller.logger.debug(
                    "sent a transaction check to a gRPC producer", metadata: ["offset": "\(half.queueOffset)"])
                return
            }
            controller.logger.debug(
                "no live producer to check a half message with", metadata: ["group": "\(half.producerGroup)"])
            return
        }
        var body = ByteBuffer()
        do {
            try restored.encode(into: &body)
        } catch {
            controller.logger.error("cannot encode a half message for a check: \(error)")
            return
        }
        let uniqueKey = message.uniqueKey
        let header = CheckTransactionStateRequestHeader(
            tranStateTableOffset: half.queueOffset, commitLogOffset: half.commitLogOffset, msgId: uniqueKey,
            transactionId: message.properties[MessagePropertyKey.transactionID] ?? uniqueKey,
            offsetMsgId: OffsetMessageID(storeHost: message.storeHost, commitLogOffset: half.commitLogOffset)
                .description)
        var request = RemotingCommand.request(.checkTransactionState, header: header, body: body, oneway: true)
        request.opaque = 0
        connection.write(request)
        controller.logger.debug(
            "sent a transaction check", metadata: ["offset": "\(half.queueOffset)", "group": "\(half.producerGroup)"])
    }

    /// Applies END_TRANSACTION: commit re-stores the half message under its real topic, rollback
    /// drops it; both write an op record. Unknown keeps it for the check-back.
    package func endTransaction(
        _ header: EndTransactionRequestHeader, store: MessageStore
    ) async
        -> (code: ResponseCode, remark: String?)
    {
        guard let half = store.lookMessage(commitLogOffset: header.commitLogOffset),
            half.topic == MessageScheduler.halfTopic
        else {
            return (
                .systemError,
                "find prepared transaction message failed: no half message at commit log offset \(header.commitLogOffset)"
            )
        }
        guard half.queueOffset == header.tranStateTableOffset else {
            return (
                .systemError,
                "the transaction state table offset is wrong: \(header.tranStateTableOffset), the half message has \(half.queueOffset)"
            )
        }
        guard half.properties[MessagePropertyKey.producerGroup] == header.producerGroup else {
            return (.systemError, "the producer group is wrong: \(header.producerGroup)")
        }
        guard let resolution = header.resolution, resolution != .unknown else {
            return (.success, nil)
        }
        let offset = half.queueOffset
        guard inFlight.withLock({ $0.insert(offset).inserted }) else {
            return (.systemBusy, "the transaction is being resolved by another request")
        }
        defer { _ = inFlight.withLock { $0.remove(offset) } }
        if state.withLock({ $0.table.isResolved(offset) }) { return (.success, "the transaction was already resolved") }
        if resolution == .commit {
            guard var message = MessageScheduler.restore(half, storeHost: store.configuration.storeHost) else {
                return (.systemError, "the half message has no REAL_TOPIC/REAL_QID")
            }
            message.properties.removeValue(forKey: MessagePropertyKey.transactionPrepared)
            message.sysFlag = MessageSysFlag(
                rawValue: (half.sysFlag.rawValue & ~MessageScheduler.transactionTypeMask) | 0x8)
            message.preparedTransactionOffset = half.physicalOffset
            do {
                if let delayLevel = half.properties[MessagePropertyKey.delayLevel] {
                    message.properties[MessagePropertyKey.delayLevel] = delayLevel
                }
                message = try controller.scheduler.routeDelayed(message, now: controller.clock.nowMillis())
                _ = try await store.putMessage(message)
            } catch let error as StoreError {
                return (BrokerProcessor.responseCode(for: error), error.message)
            } catch {
                return (.systemError, "\(error)")
            }
        }
        do {
            try await writeOp(halfOffset: offset, store: store)
        } catch {
            return (BrokerProcessor.responseCode(for: error), error.message)
        }
        return (.success, nil)
    }

    private func writeOp(halfOffset: Int64, store: MessageStore) async throws(StoreError) {
        let op = StoredMessage(
            topic: MessageScheduler.opTopic, queueID: 0, body: ByteBuffer(string: String(halfOffset)),
            properties: [MessagePropertyKey.tags: "d"], bornTimestamp: controller.clock.nowMillis(),
            storeHost: store.configuration.storeHost)
        _ = try await store.putMessage(op)
        state.withLock { $0.table.resolved(halfOffset) }
    }

    private func persistCheckTimes() {
        let times = state.withLock { $0.table.checkTimes }
        var object: [String: JSONValue] = [:]
        for (offset, count) in times { object[String(offset)] = .int(count) }
        do {
            try JSONFile.write(.object(["checkTimes": .object(object)]), to: path)
        } catch {
            controller.logger.error("cannot persist transaction check counts: \(error.message)")
        }
    }

    /// The half message's `CHECK_IMMUNITY_TIME_IN_SECONDS` in ms. Sends validate it, but stored
    /// records are never trusted: a value that does not fit (written before validation existed,
    /// or by another broker) is logged and the transaction timeout applies instead.
    private func immunityMillis(_ properties: [String: String], at queueOffset: Int64) -> Int64? {
        guard let text = properties[MessagePropertyKey.checkImmunityTimeInSeconds] else { return nil }
        switch MessageScheduler.immunityMillis(text) {
        case .some(let millis): return millis
        case .none:
            if text == "-1" { return nil }
            controller.logger.warning(
                "half message at queue offset \(queueOffset) has an unusable CHECK_IMMUNITY_TIME_IN_SECONDS; using the transaction timeout",
                metadata: ["value": "\(text.prefix(40))"])
            return nil
        }
    }

    private static func millis(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
