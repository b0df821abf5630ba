package import CometCore

/// Which queues of a topic one broker (name) serves.
package struct QueueData: Sendable, Hashable {
    package var brokerName: String
    package var readQueueNums: Int32
    package var writeQueueNums: Int32
    package var perm: Permission
    package var topicSysFlag: Int32

    package init(
        brokerName: String, readQueueNums: Int32, writeQueueNums: Int32, perm: Permission, topicSysFlag: Int32 = 0
    ) {
        self.brokerName = brokerName
        self.readQueueNums = readQueueNums
        self.writeQueueNums = writeQueueNums
        self.perm = perm
        self.topicSysFlag = topicSysFlag
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "queueData")
        brokerName = try r.string("brokerName")
        readQueueNums = try r.int32("readQueueNums")
        writeQueueNums = try r.int32("writeQueueNums")
        perm = Permission(rawValue: try r.int32("perm"))
        topicSysFlag = try r.int32("topicSysFlag", default: try r.int32("topicSynFlag", default: 0))
    }

    package var json: JSONValue {
        .object([
            "brokerName": .string(brokerName), "readQueueNums": .int(readQueueNums),
            "writeQueueNums": .int(writeQueueNums), "perm": .int(perm.rawValue), "topicSysFlag": .int(topicSysFlag),
        ])
    }
}

/// A broker name and its addresses by broker id (0 = master, ≥ 1 = slaves).
package struct BrokerData: Sendable, Hashable {
    package var cluster: String
    package var brokerName: String
    package var brokerAddrs: [Int64: String]

    package init(cluster: String, brokerName: String, brokerAddrs: [Int64: String]) {
        self.cluster = cluster
        self.brokerName = brokerName
        self.brokerAddrs = brokerAddrs
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "brokerData")
        cluster = try r.string("cluster")
        brokerName = try r.string("brokerName")
        var addrs: [Int64: String] = [:]
        for (key, value) in r.object("brokerAddrs") {
            guard let id = Int64(key), let addr = value.stringValue else {
                throw CometError(.malformedBody, "brokerData.brokerAddrs has an invalid entry '\(key)'")
            }
            addrs[id] = addr
        }
        brokerAddrs = addrs
    }

    /// The master's address (broker id 0), if a master is registered.
    package var masterAddr: String? { brokerAddrs[0] }

    package var json: JSONValue {
        var addrs: [String: JSONValue] = [:]
        for (id, addr) in brokerAddrs { addrs[String(id)] = .string(addr) }
        return .object(["cluster": .string(cluster), "brokerName": .string(brokerName), "brokerAddrs": .object(addrs)])
    }
}

/// GET_ROUTEINFO_BY_TOPIC response body: which brokers serve a topic and with how many queues.
package struct TopicRouteData: JSONBody, Hashable {
    /// Global-order configuration; the C++ client prefers it over `queueDatas` when non-empty, so
    /// Comet leaves it `nil` unless an operator set it.
    package var orderTopicConf: String?
    package var queueDatas: [QueueData]
    package var brokerDatas: [BrokerData]
    package var filterServerTable: [String: [String]]

    package init(
        orderTopicConf: String? = nil, queueDatas: [QueueData], brokerDatas: [BrokerData],
        filterServerTable: [String: [String]] = [:]
    ) {
        self.orderTopicConf = orderTopicConf
        self.queueDatas = queueDatas
        self.brokerDatas = brokerDatas
        self.filterServerTable = filterServerTable
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "topicRouteData")
        orderTopicConf = r.optionalString("orderTopicConf")
        var queues: [QueueData] = []
        for q in r.array("queueDatas") { queues.append(try QueueData(json: q)) }
        var brokers: [BrokerData] = []
        for b in r.array("brokerDatas") { brokers.append(try BrokerData(json: b)) }
        queueDatas = queues
        brokerDatas = brokers
        var filters: [String: [String]] = [:]
        for (addr, list) in r.object("filterServerTable") {
            filters[addr] = (list.arrayValue ?? []).compactMap(\.stringValue)
        }
        filterServerTable = filters
    }

    package var json: JSONValue {
        var members: [String: JSONValue] = [
            "queueDatas": .array(queueDatas.map(\.json)),
            "brokerDatas": .array(brokerDatas.map(\.json)),
            "filterServerTable": .object(filterServerTable.mapValues { .array($0.map(JSONValue.string)) }),
        ]
        if let orderTopicConf { members["orderTopicConf"] = .string(orderTopicConf) }
        return .object(members)
    }
}
