import CometCore

/// GET_BROKER_CLUSTER_INFO response body.
package struct ClusterInfo: JSONBody, Hashable {
    /// Broker name → its addresses.
    package var brokerAddrTable: [String: BrokerData]
    /// Cluster name → broker names (sorted, so the body is deterministic).
    package var clusterAddrTable: [String: [String]]

    package init(brokerAddrTable: [String: BrokerData], clusterAddrTable: [String: [String]]) {
        self.brokerAddrTable = brokerAddrTable
        self.clusterAddrTable = clusterAddrTable.mapValues { $0.sorted() }
    }
}

/// GET_ALL_TOPIC_LIST_FROM_NAMESERVER response body.
package struct TopicList: JSONBody, Hashable {
    package var topicList: [String]
    package var brokerAddr: String?

    package init(topicList: [String], brokerAddr: String? = nil) {
        self.topicList = topicList
        self.brokerAddr = brokerAddr
    }
}

/// GET_KVLIST_BY_NAMESPACE response body (also REGISTER_BROKER's response body).
package struct KVTable: JSONBody, Hashable {
    package var table: [String: String]

    package init(table: [String: String]) { self.table = table }
}
