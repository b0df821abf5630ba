import CometCore
import CometProtocol
import Logging
import NIOCore
import Synchronization

/// The machinery behind ``PushConsumer``: subscriptions, rebalance, one pull loop per owned
/// queue, offsets and locks.
final class PushConsumerCore: Sendable {
    struct QueueState {
        var task: Task<Void, Never>
        /// Next offset to consume (what gets committed).
        var offset: Int64
        var committed: Int64?
    }

    struct State {
        var subscriptions: [String: SubscriptionData] = [:]
        var queues: [MessageQueue: QueueState] = [:]
        var handler: PushConsumer.Handler?
        var running = false
        var rebalanceRequested = false
        var background: Task<Void, Never>?
    }

    let group: String
    let options: PushConsumer.Options
    let logger: Logger
    let state = Mutex(State())
    let instance: ClientInstance

    init(group: String, configuration: ClientConfiguration, options: PushConsumer.Options, logger: Logger) {
        self.group = group
        self.options = options
        self.logger = logger
        let box = WeakBox<PushConsumerCore>()
        instance = ClientInstance(
            configuration: configuration, logger: logger,
            heartbeat: { box.value?.heartbeatData ?? HeartbeatData(clientID: "") },
            onServerRequest: { request, _ in await box.value?.serve(request) })
        box.value = self
    }

    var retryTopic: String { "%RETRY%" + group }

    func subscribe(_ topic: String, expression: String) throws(ClientError) {
        guard !topic.isEmpty else { throw ClientError(.invalidArgument, "empty topic") }
        state.withLock {
            $0.subscriptions[topic] = SubscriptionData(
                topic: topic, subString: expression, subVersion: instance.nowMillis())
        }
    }

    var heartbeatData: HeartbeatData {
        var subscriptions = state.withLock { Array($0.subscriptions.values) }
        if options.model == .clustering {
            subscriptions.append(SubscriptionData(topic: retryTopic, subString: "*"))
        }
        return HeartbeatData(
            clientID: instance.clientId,
            consumers: [
                ConsumerData(
                    groupName: group, consumeType: .consumePassively,
                    messageModel: options.model == .clustering ? .clustering : .broadcasting,
                    consumeFromWhere: options.consumeFrom.wire, subscriptions: subscriptions)
            ])
    }

    var assignedQueues: [MessageQueue] { state.withLock { $0.queues.keys.sorted() } }

    func start(_ handler: @escaping PushConsumer.Handler) async throws(ClientError) {
        let topics = try state.withLock { state throws(ClientError) -> [String] in
            guard !state.running else { throw ClientError(.invalidArgument, "the consumer is already started") }
            guard !state.subscriptions.isEmpty else {
                throw ClientError(.invalidArgument, "subscribe to a topic first")
            }
            state.running = true
            state.handler = handler
            return Array(state.subscriptions.keys)
        }
        instance.start()
        for topic in topics + (options.model == .clustering ? [retryTopic] : []) {
            _ = try? await instance.refreshRoute(topic)
        }
        await instance.sendHeartbeats()
        await rebalance()
        let task = Task { await self.backgroundLoop() }
        state.withLock { $0.background = task }
    }

    func shutdown() async {
        let (tasks, background) = state.withLock { state -> ([Task<Void, Never>], Task<Void, Never>?) in
            guard state.running else { return ([], nil) }
            state.running = false
            return (state.queues.values.map(\.task), state.background)
        }
        // Every task this consumer started ends before shutdown returns: the background loop first
        // (so no rebalance starts new pull loops), then the pull loops.
        background?.cancel()
        await background?.value
        let late = state.withLock { state in state.queues.values.map(\.task) }
        for task in tasks + late { task.cancel() }
        for task in tasks + late { await task.value }
        await commitOffsets()
        if options.orderly { await unlockAll() }
        for address in instance.allBrokerAddresses {
            _ = try? await instance.call(
                .request(
                    .unregisterClient,
                    header: UnregisterClientRequestHeader(clientID: instance.clientId, consumerGroup: group)),
                broker: address, timeout: .seconds(1))
        }
        state.withLock { $0.queues.removeAll() }
        await instance.shutdown()
    }

    private func backgroundLoop() async {
        var lastRebalance = ContinuousClock.now
        var lastCommit = ContinuousClock.now
        var lastLock = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
            let now = ContinuousClock.now
            let requested = state.withLock { state -> Bool in
                defer { state.rebalanceRequested = false }
                return state.rebalanceRequested
            }
            if requested || now - lastRebalance >= options.rebalanceInterval {
                lastRebalance = now
                await rebalance()
            }
            if now - lastCommit >= options.offsetCommitInterval {
                lastCommit = now
                await commitOffsets()
            }
            if options.orderly && now - lastLock >= .seconds(20) {
                lastLock = now
                _ = await lock(assignedQueues)
            }
        }
    }

    /// Answers requests brokers push: rebalance now, running info, offset resets.
    func serve(_ request: RemotingCommand) async -> RemotingCommand? {
        switch request.requestCode {
        case .resetConsumerClientOffset:
            if let body = try? ResetOffsetBody(listBody: request.body) { await resetOffsets(body.offsetTable) }
            return nil
        case .notifyConsumerIdsChanged:
            state.withLock { $0.rebalanceRequested = true }
            return nil
        case .getConsumerRunningInfo:
            let queues = state.withLock { $0.queues.mapValues(\.offset) }
            var table: [String: JSONValue] = [:]
            for (queue, offset) in queues { table[queue.description] = .object(["commitOffset": .int(offset)]) }
            let info = JSONValue.object([
                "properties": .object([
                    "consumeType": .string("CONSUME_PASSIVELY"), "clientId": .string(instance.clientId),
                ]),
                "subscriptionSet": .array(heartbeatData.consumers.first?.subscriptions.map { .string($0.topic) } ?? []),
                "mqTable": .object(table), "statusTable": .object([:]),
            ])
            return .response(to: request, body: JSONWriter.encode(info))
        default:
            return .response(to: request, code: .requestCodeNotSupported, remark: "not supported by a Comet consumer")
        }
    }
}

/// A weak reference for closures handed to the connection layer before `self` exists.
final class WeakBox<T: AnyObject & Sendable>: @unchecked Sendable {
    private let lock = Mutex<Void>(())
    private weak var _value: T?
    var value: T? {
        get { lock.withLock { _ in _value } }
        set { lock.withLock { _ in _value = newValue } }
    }
}

extension ConsumeFrom {
    var wire: ConsumeFromWhere {
        switch self {
        case .latest: return .lastOffset
        case .earliest: return .firstOffset
        case .timestamp: return .timestamp
        }
    }
}
