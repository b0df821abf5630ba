/// One broker of a cluster.
package struct ClusterEntry: Codable, Sendable, Hashable {
    package var cluster: String
    package var brokerName: String
    /// Addresses by broker id ("0" = master).
    package var addresses: [String: String]
}

/// A topic's route, as admin tools show it.
package struct TopicRoute: Codable, Sendable, Hashable {
    package struct Queues: Codable, Sendable, Hashable {
        package var brokerName: String
        package var readQueues: Int32
        package var writeQueues: Int32
        package var perm: Int32
    }

    package struct Broker: Codable, Sendable, Hashable {
        package var cluster: String
        package var brokerName: String
        package var addresses: [String: String]
    }

    package var queues: [Queues]
    package var brokers: [Broker]
}

/// Offsets of one queue.
package struct QueueStatus: Codable, Sendable, Hashable {
    package var brokerName: String
    package var queueId: Int32
    package var minOffset: Int64
    package var maxOffset: Int64
}

/// A consumer group's position on one queue.
package struct QueueProgress: Codable, Sendable, Hashable {
    package var brokerName: String
    package var queueId: Int32
    package var maxOffset: Int64
    /// `nil` when the group never committed on this queue.
    package var consumerOffset: Int64?
    package var lag: Int64
}
