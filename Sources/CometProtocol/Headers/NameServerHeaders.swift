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

    package static let fieldDefaults = ["haServerAddr": "", "compressed": "false", "bodyCrc32": "0"]
}

/// REGISTER_BROKER (103) response header: where a slave finds its master.
package struct RegisterBrokerResponseHeader: CommandHeader, Equatable {
    package var haServerAddr: String?
    package var masterAddr: String?

    package init(haServerAddr: String?, masterAddr: String?) {
        self.haServerAddr = haServerAddr
        self.masterAddr = masterAddr
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
}

/// GET_ROUTEINFO_BY_TOPIC (105) request header.
package struct GetRouteInfoRequestHeader: CommandHeader, Equatable {
    package var topic: String
    package var acceptStandardJsonOnly: Bool?

    package init(topic: String, acceptStandardJsonOnly: Bool? = nil) {
        self.topic = topic
        self.acceptStandardJsonOnly = acceptStandardJsonOnly
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

    package mutating func didDecode() throws(CometError) {
        if clusterName?.isEmpty == true { clusterName = nil }
    }
}

/// WIPE_WRITE_PERM_OF_BROKER (205) and ADD_WRITE_PERM_OF_BROKER (327) request header.
package struct BrokerPermRequestHeader: CommandHeader, Equatable {
    package var brokerName: String

    package init(brokerName: String) { self.brokerName = brokerName }
}

/// Response header of WIPE_WRITE_PERM_OF_BROKER (`wipeTopicCount`) and ADD_WRITE_PERM_OF_BROKER
/// (`addTopicCount`): how many topics changed.
package struct BrokerPermResponseHeader: CommandHeader, Equatable {
    package var wipeTopicCount: Int32?
    package var addTopicCount: Int32?

    package static func wipe(_ count: Int32) -> Self { Self(wipeTopicCount: count) }
    package static func add(_ count: Int32) -> Self { Self(addTopicCount: count) }

    /// The count, whichever of the two fields carries it.
    package var count: Int32 { wipeTopicCount ?? addTopicCount ?? 0 }
}
