import CometCore
import CometProtocol
public import Logging
import NIOCore
import Synchronization

/// Receives messages pushed to a handler: subscriptions with tag filters, clustering or
/// broadcasting, concurrent or orderly consumption.
///
/// ```swift
/// let consumer = PushConsumer(group: "billing", configuration: ClientConfiguration(nameServers: ["127.0.0.1:9876"]))
/// try consumer.subscribe("Orders", expression: "created || paid")
/// try await consumer.start { message in
///     print(message.text)
///     return .success          // or .retryLater: redelivered later with a growing delay
/// }
/// ```
///
/// Clustering consumers of one group share the topic's queues (allocated evenly, rebalanced when
/// members join or leave and every 10 s); each queue is long-polled and its offset committed to
/// the broker every 5 s and at shutdown. Orderly consumers lock their queues on the broker and
/// handle one message at a time per queue.
public final class PushConsumer: Sendable {
    /// Tuning knobs with RocketMQ's defaults.
    public struct Options: Sendable {
        /// Clustering (share the queues, the default) or broadcasting (every consumer gets everything).
        public var model: MessageModel = .clustering
        /// Where a group without a committed offset starts (default: new messages only).
        public var consumeFrom: ConsumeFrom = .latest
        /// One message at a time per queue, queues locked on the broker (ordered consumption).
        public var orderly = false
        /// Messages handled at once per queue (concurrent mode).
        public var consumeConcurrency = 16
        /// Messages per pull (also the most cached per queue: the next pull waits for the batch).
        public var pullBatchSize: Int32 = 32
        /// How long the broker holds an empty pull.
        public var suspendTimeout: Duration = .seconds(15)
        /// Deliveries before a failing message goes to the dead-letter queue.
        public var maxReconsumeTimes: Int32 = 16
        /// How often queue ownership is recomputed besides the broker's change notices (default 10 s).
        public var rebalanceInterval: Duration = .seconds(10)
        /// How often consumed offsets are committed to the broker (default 5 s).
        public var offsetCommitInterval: Duration = .seconds(5)

        /// RocketMQ's defaults.
        public init() {}
    }

    /// The handler's type: return ``ConsumeResult/success`` or ``ConsumeResult/retryLater``.
    public typealias Handler = @Sendable (ReceivedMessage) async -> ConsumeResult

    /// The consumer group.
    public let group: String
    let options: Options
    let core: PushConsumerCore

    /// A push consumer of `group`; subscribe, then start it.
    public init(
        group: String, configuration: ClientConfiguration, options: Options = Options(),
        logger: Logger = Logger(label: "comet.consumer")
    ) {
        self.group = group
        self.options = options
        core = PushConsumerCore(group: group, configuration: configuration, options: options, logger: logger)
    }

    /// Subscribes to `topic` with a tag expression (`*`, `TagA`, `TagA || TagB`). Call before ``start(_:)``.
    public func subscribe(_ topic: String, expression: String = "*") throws(ClientError) {
        try core.subscribe(topic, expression: expression)
    }

    /// Starts consuming; `handler` runs for every message.
    public func start(_ handler: @escaping Handler) async throws(ClientError) {
        try await core.start(handler)
    }

    /// Stops pulling, waits for handlers in progress, commits offsets, releases queue locks and
    /// leaves the group.
    public func shutdown() async {
        await core.shutdown()
    }

    /// The queues this consumer currently owns.
    public var assignedQueues: [MessageQueue] { core.assignedQueues }
}
