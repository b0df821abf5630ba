import CometCore
import CometProtocol
import CometRemoting
import CompressNIO
public import Logging
import NIOCore
import Synchronization

/// Sends messages to a RocketMQ-compatible cluster (Comet or Apache RocketMQ).
///
/// ```swift
/// let producer = Producer(group: "orders", configuration: ClientConfiguration(nameServers: ["127.0.0.1:9876"]))
/// try await producer.start()
/// let result = try await producer.send(Message(topic: "Orders", text: "hello", tags: "created"))
/// await producer.shutdown()
/// ```
///
/// Sends are `async` and safe to call concurrently from many tasks; fire many at once for
/// throughput. Topics are discovered from the name servers (refreshed every 30 s and after a
/// failure) and used round-robin; a failed send is retried on another broker.
public final class Producer: Sendable {
    /// Tuning knobs with RocketMQ's defaults.
    public struct Options: Sendable {
        /// Extra attempts of a failed send, on another broker when there is one (default 2).
        public var retryTimes = 2
        /// Bodies at least this large are zlib-compressed (default 4 KiB).
        public var compressBodyOver = 4096
        /// Largest body accepted (default 4 MiB).
        public var maxMessageSize = 4 * 1024 * 1024
        /// Per-attempt timeout (default 3 s).
        public var sendTimeout: Duration = .seconds(3)
        /// Most sends in flight at once; more wait (default 10,000).
        public var maxInFlight = 10_000

        /// RocketMQ's defaults.
        public init() {}
    }

    /// The producer group (needed for transactions; otherwise informational).
    public let group: String
    let options: Options
    let instance: ClientInstance
    let ids: MessageIDGenerator
    private let roundRobin = Atomic<Int>(Int.random(in: 0..<1000))
    private let running = Atomic<Bool>(false)
    let inFlight: AsyncLimiter
    /// Requests waiting for replies (``request(_:timeout:)``).
    let replies: ReplyTable
    private let publishCache = Mutex<[String: PublishInfo]>([:])

    /// Where a topic's messages can go, as of one route version.
    struct PublishInfo: Sendable {
        var generation: UInt64
        var queues: [MessageQueue]
        /// Master address by broker name.
        var masters: [String: String]
    }

    /// A producer of `group` using `configuration`.
    public convenience init(
        group: String = "DEFAULT_PRODUCER", configuration: ClientConfiguration, options: Options = Options(),
        logger: Logger = Logger(label: "comet.producer")
    ) {
        self.init(
            group: group, configuration: configuration, options: options, logger: logger,
            onServerRequest: { request, _ in
                .response(to: request, code: .requestCodeNotSupported, remark: "not supported by a Comet producer")
            })
    }

    init(
        group: String, configuration: ClientConfiguration, options: Options, logger: Logger,
        onServerRequest: @escaping @Sendable (RemotingCommand, RemotingConnection) async -> RemotingCommand?
    ) {
        self.group = group
        self.options = options
        self.inFlight = AsyncLimiter(limit: max(1, options.maxInFlight))
        let groupName = group
        let replies = ReplyTable()
        self.replies = replies
        instance = ClientInstance(
            configuration: configuration, logger: logger,
            heartbeat: { HeartbeatData(clientID: "", producerGroups: [groupName]) },
            onServerRequest: { request, connection in
                guard request.requestCode == .pushReplyMessageToClient else {
                    return await onServerRequest(request, connection)
                }
                return replies.handlePush(request, arrivedAt: WallClock.system.nowMillis())
            })
        ids = MessageIDGenerator(ip: configuration.clientIP ?? ClientInstance.localIPv4())
    }

    /// Starts background route refresh and heartbeats in a task this producer keeps until
    /// ``shutdown()``. Prefer ``run()`` (as a `Service`) or ``withProducer(group:configuration:options:logger:_:)``,
    /// which keep that work in the caller's task.
    public func start() async throws(ClientError) {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        instance.start()
    }

    /// Marks the producer running without starting background work (the caller runs it).
    func begin() throws(ClientError) {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else {
            throw ClientError(.invalidArgument, "the producer is already running")
        }
    }

    /// Closes connections; sends after this fail with ``ClientError/Code/notRunning``.
    public func shutdown() async {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        for address in instance.allBrokerAddresses {
            _ = try? await instance.call(
                .request(
                    .unregisterClient,
                    header: UnregisterClientRequestHeader(clientID: instance.clientId, producerGroup: group)),
                broker: address, timeout: .seconds(1))
        }
        await instance.shutdown()
    }

    /// Sends `message` to the next queue (round-robin) and waits for the broker's answer.
    public func send(_ message: Message) async throws(ClientError) -> SendResult {
        try await send(
            message,
            selecting: { queues, attempt in
                queues[(self.roundRobin.add(1, ordering: .relaxed).newValue + attempt) % queues.count]
            })
    }

    /// Sends `message` to the queue chosen by hashing `shardingKey`, so messages with the same
    /// key keep their order (orderly send). Not retried on another queue.
    public func send(_ message: Message, shardingKey: String) async throws(ClientError) -> SendResult {
        let hash = Int(UInt32(bitPattern: TagHashCode.javaHashCode(shardingKey)))
        return try await send(message, retries: 0, selecting: { queues, _ in queues[hash % queues.count] })
    }

    /// Sends `message` to a specific queue. Not retried on another queue.
    public func send(_ message: Message, to queue: MessageQueue) async throws(ClientError) -> SendResult {
        try await send(message, retries: 0, selecting: { _, _ in queue })
    }

    /// Sends without waiting for the broker (fire and forget): fastest, no delivery guarantee.
    public func sendOneway(_ message: Message) async throws(ClientError) {
        try checkRunning()
        try validate(message)
        let prepared = try prepare([message])
        let publish = try await publishInfo(message.topic)
        let queue = publish.queues[roundRobin.add(1, ordering: .relaxed).newValue % publish.queues.count]
        guard let address = publish.masters[queue.brokerName] else {
            throw ClientError(.noRoute, "no master for broker \(queue.brokerName)")
        }
        let group = self.group
        try await instance.callOneway(
            broker: address, code: prepared.code, capacity: SendRequestEncoder.estimatedSize(prepared)
        ) { opaque, buffer in
            SendRequestEncoder.encode(prepared, group: group, queue: queue, opaque: opaque, oneway: true, into: &buffer)
        }
    }

    /// Sends several messages of one topic as one request; they are stored as individual messages
    /// with consecutive offsets in one queue.
    public func send(batch messages: [Message]) async throws(ClientError) -> SendResult {
        guard let first = messages.first else { throw ClientError(.illegalMessage, "empty batch") }
        guard messages.allSatisfy({ $0.topic == first.topic }) else {
            throw ClientError(.illegalMessage, "a batch must have one topic")
        }
        guard messages.allSatisfy({ $0.delayLevel == 0 && $0.deliverAt == nil }) else {
            throw ClientError(.illegalMessage, "delayed messages cannot be batched")
        }
        return try await send(messages, retries: options.retryTimes) { queues, attempt in
            queues[(self.roundRobin.add(1, ordering: .relaxed).newValue + attempt) % queues.count]
        }
    }

    /// The queues of `topic` this producer can write to.
    public func publishQueues(_ topic: String) async throws(ClientError) -> [MessageQueue] {
        try await publishInfo(topic).queues
    }

    /// The writable queues of `topic` and their brokers' master addresses, computed once per
    /// route version rather than for every send.
    func publishInfo(_ topic: String) async throws(ClientError) -> PublishInfo {
        try checkRunning()
        let generation = instance.routeGeneration
        if let cached = publishCache.withLock({ $0[topic] }), cached.generation == generation { return cached }
        var route = try await instance.route(topic)
        if route == nil {
            // RocketMQ clients fall back to the default topic's route; the broker then creates
            // the topic on the first send.
            route = try await instance.route("TBW102").map { template in
                var copy = template
                copy.queueDatas = copy.queueDatas.map {
                    var q = $0
                    q.writeQueueNums = min(4, q.writeQueueNums)
                    q.readQueueNums = min(4, q.readQueueNums)
                    return q
                }
                return copy
            }
        }
        guard let route else { throw ClientError(.noRoute, "No route info of this topic: \(topic)") }
        var queues: [MessageQueue] = []
        var masters: [String: String] = [:]
        for data in route.queueDatas.sorted(by: { $0.brokerName < $1.brokerName }) where data.perm.contains(.write) {
            guard let master = route.brokerDatas.first(where: { $0.brokerName == data.brokerName })?.masterAddr else {
                continue
            }
            masters[data.brokerName] = master
            for id in 0..<data.writeQueueNums {
                queues.append(MessageQueue(topic: topic, brokerName: data.brokerName, queueId: id))
            }
        }
        guard !queues.isEmpty else { throw ClientError(.noRoute, "No writable queue for topic: \(topic)") }
        let info = PublishInfo(generation: generation, queues: queues, masters: masters)
        publishCache.withLock { $0[topic] = info }
        return info
    }

    func checkRunning() throws(ClientError) {
        guard running.load(ordering: .relaxed) else { throw ClientError(.notRunning, "the producer is not started") }
    }

    private func send(
        _ message: Message, retries: Int? = nil, selecting: @Sendable ([MessageQueue], Int) -> MessageQueue
    ) async throws(ClientError) -> SendResult {
        try await send([message], retries: retries ?? options.retryTimes, selecting: selecting)
    }
}
