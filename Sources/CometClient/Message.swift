/// A message to send.
public struct Message: Sendable, Hashable {
    /// The topic: letters, digits, `%`, `|`, `_` and `-`, at most 127 characters.
    public var topic: String
    /// The payload.
    public var body: [UInt8]
    /// One tag, used by consumers' tag filters (`TagA || TagB`).
    public var tags: String?
    /// Business keys, indexed by the broker for queries.
    public var keys: [String]
    /// User properties (strings on both sides).
    public var properties: [String: String]
    /// A user flag carried untouched.
    public var flag: Int32
    /// Delay level 1…18 (`1s 5s 10s 30s 1m … 2h` by default); 0 = deliver now.
    public var delayLevel: Int
    /// Deliver at this time (milliseconds since the epoch), the 5.x timer message; `nil` = now.
    public var deliverAt: Int64?

    /// A message for `topic` with a body.
    public init(
        topic: String, body: [UInt8], tags: String? = nil, keys: [String] = [], properties: [String: String] = [:],
        flag: Int32 = 0, delayLevel: Int = 0, deliverAt: Int64? = nil
    ) {
        self.topic = topic
        self.body = body
        self.tags = tags
        self.keys = keys
        self.properties = properties
        self.flag = flag
        self.delayLevel = delayLevel
        self.deliverAt = deliverAt
    }

    /// A message whose body is the UTF-8 of `text`.
    public init(
        topic: String, text: String, tags: String? = nil, keys: [String] = [], properties: [String: String] = [:]
    ) {
        self.init(topic: topic, body: Array(text.utf8), tags: tags, keys: keys, properties: properties)
    }
}

/// A queue of a topic on one broker.
public struct MessageQueue: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The topic.
    public var topic: String
    /// The broker holding the queue (`brokerName`; master and slaves share it).
    public var brokerName: String
    /// The queue's number on that broker, from 0.
    public var queueId: Int32

    /// A queue of `topic` on `brokerName`.
    public init(topic: String, brokerName: String, queueId: Int32) {
        self.topic = topic
        self.brokerName = brokerName
        self.queueId = queueId
    }

    /// Orders by topic, then broker, then queue number (the order allocation uses).
    public static func < (a: MessageQueue, b: MessageQueue) -> Bool {
        (a.topic, a.brokerName, a.queueId) < (b.topic, b.brokerName, b.queueId)
    }

    /// `topic@broker:queueId`.
    public var description: String { "\(topic)@\(brokerName):\(queueId)" }
}

/// A message as consumers receive it.
public struct ReceivedMessage: Sendable, Hashable {
    /// The topic it was stored on (the original topic for retried messages).
    public var topic: String
    /// The decompressed payload.
    public var body: [UInt8]
    /// The tag, if the producer set one.
    public var tags: String?
    /// Business keys the producer set.
    public var keys: [String]
    /// Every property, user and system (`UNIQ_KEY`, `CLUSTER`, …).
    public var properties: [String: String]
    /// The user flag the producer set.
    public var flag: Int32
    /// The client-generated unique id (`UNIQ_KEY`), or the offset id when absent.
    public var messageId: String
    /// The broker-generated id: store host and commit-log offset.
    public var offsetMessageId: String
    /// The queue it was read from.
    public var queue: MessageQueue
    /// Its offset in that queue.
    public var queueOffset: Int64
    /// Its position in the broker's commit log.
    public var commitLogOffset: Int64
    /// How many times this message was redelivered after a failure.
    public var reconsumeTimes: Int32
    /// When the producer created it (ms since the epoch).
    public var bornTimestamp: Int64
    /// When the broker stored it (ms since the epoch).
    public var storeTimestamp: Int64
    /// `ip:port` of the broker that stored it.
    public var storeHost: String
    /// `ip:port` of the producer.
    public var bornHost: String

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// What a consumer's handler reports for a message.
public enum ConsumeResult: Sendable, Hashable {
    /// Done; the offset moves past it.
    case success
    /// Failed; redeliver later (clustering: through the group's retry topic with a growing delay).
    case retryLater
}

/// Where a consumer group with no committed offset starts.
public enum ConsumeFrom: Sendable, Hashable {
    /// New messages only (the default).
    case latest
    /// From the oldest stored message.
    case earliest
    /// From the first message stored at or after this time (ms since the epoch).
    case timestamp(Int64)
}

/// Whether every consumer of a group gets every message or a share of the queues.
public enum MessageModel: Sendable, Hashable {
    /// Each message goes to one consumer of the group; the group's consumers share the queues.
    case clustering
    /// Every consumer of the group gets every message; offsets stay in the consumer.
    case broadcasting
}
