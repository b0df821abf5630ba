import CometCore
import CometProtocol
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The machinery behind ``PushConsumer``: subscriptions, rebalance, one pull loop per owned
/// queue, offsets and locks.
///
/// Lifetimes are structured: ``run(_:ready:)`` owns everything the consumer does as child tasks
/// (the client instance, the background loop and every pull loop, which rebalance hands over
/// through `spawns`), so when it returns nothing the consumer started is still running.
/// ``start(_:)`` runs it in the one task the consumer keeps until ``shutdown()``.
final class PushConsumerCore: Sendable {
    struct QueueState {
        var loop: PullLoop
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
        /// The task running ``run(_:ready:)`` for ``start(_:)``.
        var runner: Task<Void, Never>?
        /// Pull loops for the running ``run(_:ready:)`` to start; finished at shutdown.
        var spawns: AsyncStream<PullLoop>.Continuation?
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

    /// Starts consuming in a task this consumer keeps until ``shutdown()``; returns once the
    /// first rebalance has assigned queues.
    func start(_ handler: @escaping PushConsumer.Handler) async throws(ClientError) {
        let spawns = try begin(handler)
        let ready = Latch<Void>()
        let runner = Task { await self.run(spawns, ready: ready) }
        state.withLock { $0.runner = runner }
        _ = try? await ready.wait()
    }

    /// Consumes in the calling task until ``shutdown()`` is called, the task is cancelled or its
    /// `ServiceGroup` shuts down gracefully; then commits, unlocks and leaves the group.
    func run(_ handler: @escaping PushConsumer.Handler) async throws(ClientError) {
        let spawns = try begin(handler)
        await run(spawns, ready: nil)
    }

    private func begin(_ handler: @escaping PushConsumer.Handler) throws(ClientError) -> AsyncStream<PullLoop> {
        try state.withLock { state throws(ClientError) -> AsyncStream<PullLoop> in
            guard !state.running else { throw ClientError(.invalidArgument, "the consumer is already started") }
            guard !state.subscriptions.isEmpty else {
                throw ClientError(.invalidArgument, "subscribe to a topic first")
            }
            state.running = true
            state.handler = handler
            let (spawns, continuation) = AsyncStream.makeStream(of: PullLoop.self)
            state.spawns = continuation
            return spawns
        }
    }

    /// Everything a started consumer does, as child tasks of this call.
    private func run(_ spawns: AsyncStream<PullLoop>, ready: Latch<Void>?) async {
        await withDiscardingTaskGroup { children in
            children.addTask { await self.instance.run() }
            let topics = state.withLock { Array($0.subscriptions.keys) }
            for topic in topics + (options.model == .clustering ? [retryTopic] : []) {
                _ = try? await instance.refreshRoute(topic)
            }
            await instance.sendHeartbeats()
            await rebalance()
            ready?.succeed(())
            await cancelWhenGracefulShutdown { await self.consume(spawns) }
            state.withLock { state in
                state.running = false
                state.spawns?.finish()
                state.spawns = nil
            }
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
            children.cancelAll()
        }
        await instance.shutdown()
    }

    /// The background loop and the pull loops rebalance starts, until `spawns` finishes (at
    /// shutdown) or the task is cancelled; then every loop is stopped and awaited.
    private func consume(_ spawns: AsyncStream<PullLoop>) async {
        await withDiscardingTaskGroup { loops in
            loops.addTask { await self.backgroundLoop() }
            for await loop in spawns {
                loops.addTask { await loop.run { await self.pullLoop(loop.queue, from: loop.offset) } }
            }
            loops.cancelAll()
        }
        // Loops handed over but never started (the stream ended first) count as finished.
        for queue in state.withLock({ Array($0.queues.values) }) { queue.loop.finished.succeed(()) }
    }

    /// Hands a pull loop for `queue` to the running consumer; `false` when it is shutting down.
    func startPullLoop(_ queue: MessageQueue, from offset: Int64, committed: Int64?) -> Bool {
        state.withLock { state -> Bool in
            guard state.running, let spawns = state.spawns else { return false }
            let loop = PullLoop(queue: queue, offset: offset)
            state.queues[queue] = QueueState(loop: loop, offset: offset, committed: committed)
            if case .terminated = spawns.yield(loop) {
                state.queues.removeValue(forKey: queue)
                return false
            }
            return true
        }
    }

    /// Stops consuming: ends the pull loops (handlers in progress finish), commits offsets,
    /// releases queue locks, leaves the group and closes connections, all before returning.
    func shutdown() async {
        let runner = state.withLock { state -> Task<Void, Never>? in
            state.spawns?.finish()
            defer { state.runner = nil }
            return state.runner
        }
        await runner?.value
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

/// One queue's pull loop: a child task of the consumer's run, stopped on its own when the queue
/// is released or reset.
final class PullLoop: Sendable {
    let queue: MessageQueue
    let offset: Int64
    private let stopRequested = Latch<Void>()
    /// Resolved once the loop has ended (or will never start).
    let finished = Latch<Void>()

    init(queue: MessageQueue, offset: Int64) {
        self.queue = queue
        self.offset = offset
    }

    /// Runs `body` until it returns, ``stop()`` is called or the task is cancelled.
    func run(_ body: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await body() }
            group.addTask { _ = try? await self.stopRequested.wait() }
            await group.next()
            group.cancelAll()
        }
        finished.succeed(())
    }

    /// Asks the loop to end and waits until it has.
    func stop() async {
        stopRequested.succeed(())
        _ = try? await finished.wait()
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
