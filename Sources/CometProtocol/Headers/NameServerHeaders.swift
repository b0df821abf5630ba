package import CometCore

/// REGISTER_BROKER (103) request header.
package struct RegisterBrokerRequestHeader: CommandHeader, Equatable {
    package var brokerName: String
    package var brokerAddr: String
    package var clusterName: String
    package var haServerAddr: String
    package var brokerId: Int64
    /// Whether the body uses RocketMQ's compressed registration framing (not supported by Comet).
    package var compressed: Bool
    /// CRC32 of the body masked to 31 bits; 0 means "do not check".
    package var bodyCrc32: Int32

    package init(
        brokerName: String, brokerAddr: String, clusterName: String, haServerAddr: String, brokerId: Int64,
        compressed: Bool = false, bodyCrc32: Int32 = 0
    ) {
        self.brokerName = brokerName
        self.brokerAddr = brokerAddr
        self.clusterName = clusterName
        self.haServerAddr = haServerAddr
        self.brokerId = brokerId
        self.compressed = compressed
        self.bodyCrc32 = bodyCrc32
    }

    package init(fields: HeaderFields) throws(CometError) {
        brokerName = try fields.string("brokerName")
        brokerAddr = try fields.string("brokerAddr")
        clusterName = try fields.string("clusterName")
        haServerAddr = fields.optionalString("haServerAddr") ?? ""
        brokerId = try fields.int64("brokerId")
        compressed = try fields.optionalBool("compressed") ?? false
        bodyCrc32 = try fields.optionalInt32("bodyCrc32") ?? 0
    }

    package func write(into fields: inout [String: String]) {
        fields["brokerName"] = brokerName
        fields["brokerAddr"] = brokerAddr
        fields["clusterName"] = clusterName
        fields["haServerAddr"] = haServerAddr
        fields.set("brokerId", brokerId)
        fields.set("compressed", compressed)
        fields.set("bodyCrc32", bodyCrc32)
    }
}

/// REGISTER_BROKER (103) response header: where a slave finds its master.
package struct RegisterBrokerResponseHeader: CommandHeader, Equatable {
    package var haServerAddr: String?
    package var masterAddr: String?

    package init(haServerAddr: String?, masterAddr: String?) {
        self.haServerAddr = haServerAddr
        self.masterAddr = masterAddr
    }

    package init(fields: HeaderFields) throws(CometError) {
        haServerAddr = fields.optionalString("haServerAddr")
        masterAddr = fields.optionalString("masterAddr")
    }

    package func write(into fields: inout [String: String]) {
        fields.set("haServerAddr", haServerAddr)
        fields.set("masterAddr", masterAddr)
    }
}

/// UNREGISTER_BROKER (104) request header.
package struct UnregisterBrokerRequestHeader: CommandHeader, Equatable {
    package var brokerName: String
    package var brokerAddr: String
    package var clusterName: String
    package var brokerId: Int64

    package init(brokerName: String, brokerAddr: String, clusterName: String, brokerId: Int64) {
        self.brokerName = brokerName
        self.brokerAddr = brokerAddr
        self.clusterName = clusterName
        self.brokerId = brokerId
    }

    package init(fields: HeaderFields) throws(CometError) {
        brokerName = try fields.string("brokerName")
        brokerAddr = try fields.string("brokerAddr")
        clusterName = try fields.string("clusterName")
        brokerId = try fields.int64("brokerId")
    }

    package func write(into fields: inout [String: String]) {
        fields["brokerName"] = brokerName
        fields["brokerAddr"] = brokerAddr
        fields["clusterName"] = clusterName
        fields.set("brokerId", brokerId)
    }
}

/// GET_ROUTEINFO_BY_TOPIC (105) request header.
package struct GetRouteInfoRequestHeader: CommandHeader, Equatable {
    package var topic: String
    package var acceptStandardJsonOnly: Bool?

    package init(topic: String, acceptStandardJsonOnly: Bool? = nil) {
        self.topic = topic
        self.acceptStandardJsonOnly = acceptStandardJsonOnly
    }

    package init(fields: HeaderFields) throws(CometError) {
        topic = try fields.string("topic")
        acceptStandardJsonOnly = try fields.optionalBool("acceptStandardJsonOnly")
    }

    package func write(into fields: inout [String: String]) {
        fields["topic"] = topic
        fields.set("acceptStandardJsonOnly", acceptStandardJsonOnly)
    }
}

/// DELETE_TOPIC_IN_NAMESRV (216) request header; without a cluster the topic goes everywhere.
package struct DeleteTopicFromNamesrvRequestHeader: CommandHeader, Equatable {
    package var topic: String
    package var clusterName: String?

    package init(topic: String, clusterName: String? = nil) {
        self.topic = topic
        self.clusterName = clusterName
    }

    package init(fields: HeaderFields) throws(CometError) {
        topic = try fields.string("topic")
        clusterName = fields.optionalString("clusterName").flatMap { $0.isEmpty ? nil : $0 }
    }

    package func write(into fields: inout [String: String]) {
        fields["topic"] = topic
        fields.set("clusterName", clusterName)
    }
}

/// WIPE_WRITE_PERM_OF_BROKER (205) and ADD_WRITE_PERM_OF_BROKER (327) request header.
package struct BrokerPermRequestHeader: CommandHeader, Equatable {
    package var brokerName: String

    package init(brokerName: String) { self.brokerName = brokerName }

    package init(fields: HeaderFields) throws(CometError) { brokerName = try fields.string("brokerName") }

    package func write(into fields: inout [String: String]) { fields["brokerName"] = brokerName }
}

/// Response header of WIPE_WRITE_PERM_OF_BROKER (`wipeTopicCount`) and ADD_WRITE_PERM_OF_BROKER
/// (`addTopicCount`): how many topics changed.
package struct BrokerPermResponseHeader: CommandHeader, Equatable {
    package var key: String
    package var count: Int32

    package static func wipe(_ count: Int32) -> Self { Self(key: "wipeTopicCount", count: count) }
    package static func add(_ count: Int32) -> Self { Self(key: "addTopicCount", count: count) }

    private init(key: String, count: Int32) {
        self.key = key
        self.count = count
    }

    package init(fields: HeaderFields) throws(CometError) {
        key = fields.values["wipeTopicCount"] != nil ? "wipeTopicCount" : "addTopicCount"
        count = try fields.int32(key)
    }

    package func write(into fields: inout [String: String]) { fields.set(key, count) }
}
