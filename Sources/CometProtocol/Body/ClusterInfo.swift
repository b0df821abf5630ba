package import CometCore

/// GET_BROKER_CLUSTER_INFO response body.
package struct ClusterInfo: JSONBody, Hashable {
    /// Broker name → its addresses.
    package var brokerAddrTable: [String: BrokerData]
    /// Cluster name → broker names.
    package var clusterAddrTable: [String: [String]]

    package init(brokerAddrTable: [String: BrokerData], clusterAddrTable: [String: [String]]) {
        self.brokerAddrTable = brokerAddrTable
        self.clusterAddrTable = clusterAddrTable
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "clusterInfo")
        var brokers: [String: BrokerData] = [:]
        for (name, data) in r.object("brokerAddrTable") { brokers[name] = try BrokerData(json: data) }
        brokerAddrTable = brokers
        clusterAddrTable = r.object("clusterAddrTable").mapValues { ($0.arrayValue ?? []).compactMap(\.stringValue) }
    }

    package var json: JSONValue {
        .object([
            "brokerAddrTable": .object(brokerAddrTable.mapValues(\.json)),
            "clusterAddrTable": .object(clusterAddrTable.mapValues { .array($0.sorted().map(JSONValue.string)) }),
        ])
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

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "topicList")
        topicList = r.array("topicList").compactMap(\.stringValue)
        brokerAddr = r.optionalString("brokerAddr")
    }

    package var json: JSONValue {
        var members: [String: JSONValue] = ["topicList": .array(topicList.map(JSONValue.string))]
        if let brokerAddr { members["brokerAddr"] = .string(brokerAddr) }
        return .object(members)
    }
}

/// GET_KVLIST_BY_NAMESPACE response body (also REGISTER_BROKER's response body).
package struct KVTable: JSONBody, Hashable {
    package var table: [String: String]

    package init(table: [String: String]) { self.table = table }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "kvTable")
        table = r.object("table").compactMapValues(\.stringValue)
    }

    package var json: JSONValue { .object(["table": .object(table.mapValues(JSONValue.string))]) }
}
