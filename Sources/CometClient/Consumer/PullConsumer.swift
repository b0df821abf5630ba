import CometCore
import CometProtocol
public import Logging
import NIOCore
import Synchronization

/// What a pull returned.
public struct PullResult: Sendable {
    /// Whether the pull found messages, and if not, why.
    public enum Status: Sendable, Hashable {
        /// Messages were returned.
        case found
        /// Nothing new at this offset (yet).
        case noNewMessages
        /// Messages were there but none matched the expression.
        case noMatchedMessages
        /// The offset is outside the queue; continue from ``PullResult/nextOffset``.
        case offsetIllegal
    }

    /// Whether messages were found.
    public var status: Status
    /// Where the next pull of this queue starts.
    public var nextOffset: Int64
    /// The queue's smallest stored offset.
    public var minOffset: Int64
    /// The queue's offset after its last message.
    public var maxOffset: Int64
    /// The messages found (empty unless ``Status/found``).
    public var messages: [ReceivedMessage]
}

/// Reads queues at offsets the application chooses: assign queues, seek (to an offset, a time,
/// the beginning or the end), poll batches, and commit progress to the broker.
///
/// ```swift
/// let consumer = PullConsumer(group: "audit", configuration: ClientConfiguration(nameServers: ["127.0.0.1:9876"]))
/// try await consumer.start()
/// let queues = try await consumer.queues(of: "Orders")
/// try await consumer.assign(queues, from: .earliest)
/// let batch = try await consumer.poll()
/// try await consumer.commit()
/// ```
public final class PullConsumer: Sendable {
    /// The consumer group whose committed offsets ``commit()`` writes.
    public let group: String
    let instance: ClientInstance
    private let positions = Mutex<[MessageQueue: Int64]>([:])
    private let expression = Mutex<[String: String]>([:])

    /// A pull consumer of `group` using `configuration`.
    public init(
        group: String, configuration: ClientConfiguration, logger: Logger = Logger(label: "comet.pull-consumer")
    ) {
        self.group = group
        let groupName = group
        instance = ClientInstance(
            configuration: configuration, logger: logger,
            heartbeat: {
                HeartbeatData(
                    clientID: "",
                    consumers: [
                        ConsumerData(
                            groupName: groupName, consumeType: .consumeActively, messageModel: .clustering,
                            consumeFromWhere: .lastOffset, subscriptions: [])
                    ])
            },
            onServerRequest: { request, _ in .response(to: request, code: .requestCodeNotSupported) })
    }

    /// Starts background route refresh and heartbeats; call before pulling.
    public func start() async throws(ClientError) { instance.start() }

    /// Stops background work and closes connections (nothing is committed implicitly).
    public func shutdown() async { await instance.shutdown() }

    /// Every readable queue of `topic`.
    public func queues(of topic: String) async throws(ClientError) -> [MessageQueue] {
        guard let route = try await instance.refreshRoute(topic) else {
            throw ClientError(.noRoute, "No route info of this topic: \(topic)")
        }
        var queues: [MessageQueue] = []
        for data in route.queueDatas where data.perm.contains(.read) {
            for id in 0..<data.readQueueNums {
                queues.append(MessageQueue(topic: topic, brokerName: data.brokerName, queueId: id))
            }
        }
        return queues.sorted()
    }

    /// Takes `queues` for polling, each starting at the group's committed offset, else `from`.
    public func assign(
        _ queues: [MessageQueue], from: ConsumeFrom = .latest, expression tags: String = "*"
    ) async throws(ClientError) {
        for queue in queues {
            expression.withLock { $0[queue.topic] = tags }
            var offset = try await committedOffset(queue)
            if offset == nil { offset = try await self.offset(queue, for: from) }
            positions.withLock { $0[queue] = offset }
        }
    }

    /// Moves a queue's position.
    public func seek(_ queue: MessageQueue, to offset: Int64) { positions.withLock { $0[queue] = offset } }

    /// Moves a queue's position to the first message stored at or after `timestamp` (ms).
    public func seek(_ queue: MessageQueue, toTimestamp timestamp: Int64) async throws(ClientError) {
        seek(queue, to: try await offset(queue, for: .timestamp(timestamp)))
    }

    /// The next offset this consumer will read from `queue`.
    public func position(_ queue: MessageQueue) -> Int64? { positions.withLock { $0[queue] } }

    /// Pulls once from every assigned queue (no waiting) and returns what arrived, advancing positions.
    public func poll(maxMessagesPerQueue: Int32 = 32) async throws(ClientError) -> [ReceivedMessage] {
        var result: [ReceivedMessage] = []
        for (queue, offset) in positions.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            let pulled = try await pull(queue, at: offset, maxMessages: maxMessagesPerQueue)
            positions.withLock { $0[queue] = pulled.nextOffset }
            result += pulled.messages
        }
        return result
    }

    /// One pull from `queue` at `offset`; `wait` lets the broker hold the request until a message arrives.
    public func pull(
        _ queue: MessageQueue, at offset: Int64, maxMessages: Int32 = 32, wait: Duration = .zero
    )
        async throws(ClientError) -> PullResult
    {
        let tags = expression.withLock { $0[queue.topic] } ?? "*"
        let millis = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
        let outcome = try await instance.pull(
            queue, group: group, offset: offset, maxMessages: maxMessages, expression: tags,
            sysFlag: millis > 0 ? [.subscription, .suspend] : [.subscription], suspendMillis: millis)
        let status: PullResult.Status
        switch outcome.code {
        case .success: status = .found
        case .pullRetryImmediately: status = .noMatchedMessages
        case .pullOffsetMoved: status = .offsetIllegal
        default: status = .noNewMessages
        }
        return PullResult(
            status: status, nextOffset: outcome.nextBeginOffset, minOffset: outcome.minOffset,
            maxOffset: outcome.maxOffset, messages: outcome.messages)
    }

    /// Commits the current position of every assigned queue to the broker.
    public func commit() async throws(ClientError) {
        for (queue, offset) in positions.withLock({ $0 }) { try await commit(queue, offset: offset) }
    }

    /// Commits `offset` for `queue`.
    public func commit(_ queue: MessageQueue, offset: Int64) async throws(ClientError) {
        let response = try await callMaster(
            queue,
            .request(
                .updateConsumerOffset,
                header: UpdateConsumerOffsetRequestHeader(
                    consumerGroup: group, topic: queue.topic, queueId: queue.queueId, commitOffset: offset)))
        guard response.responseCode == .success else {
            throw ClientError(.brokerError, response.remark ?? "commit failed", responseCode: response.code)
        }
    }

    /// The group's committed offset on `queue`, if any.
    public func committedOffset(_ queue: MessageQueue) async throws(ClientError) -> Int64? {
        let response = try await callMaster(
            queue,
            .request(
                .queryConsumerOffset,
                header: QueryConsumerOffsetRequestHeader(
                    consumerGroup: group, topic: queue.topic, queueId: queue.queueId)))
        guard response.responseCode == .success else { return nil }
        return try? response.decodeHeader(OffsetResponseHeader.self).value
    }

    /// The offset of `queue` for a starting point.
    public func offset(_ queue: MessageQueue, for point: ConsumeFrom) async throws(ClientError) -> Int64 {
        let header = TopicQueueRequestHeader(topic: queue.topic, queueId: queue.queueId)
        let request: RemotingCommand
        switch point {
        case .latest: request = .request(.getMaxOffset, header: header)
        case .earliest: request = .request(.getMinOffset, header: header)
        case .timestamp(let time):
            request = .request(
                .searchOffsetByTimestamp,
                header: SearchOffsetRequestHeader(topic: queue.topic, queueId: queue.queueId, timestamp: time))
        }
        let response = try await callMaster(queue, request)
        guard response.responseCode == .success, let value = try? response.decodeHeader(OffsetResponseHeader.self).value
        else {
            throw ClientError(.brokerError, response.remark ?? "offset lookup failed", responseCode: response.code)
        }
        return value
    }

    private func callMaster(
        _ queue: MessageQueue, _ request: RemotingCommand
    ) async throws(ClientError) -> RemotingCommand {
        if instance.masterAddress(queue.brokerName) == nil { _ = try await instance.refreshRoute(queue.topic) }
        guard let address = instance.masterAddress(queue.brokerName) ?? instance.readAddress(queue.brokerName) else {
            throw ClientError(.noRoute, "no address for broker \(queue.brokerName)")
        }
        return try await instance.call(request, broker: address)
    }
}
