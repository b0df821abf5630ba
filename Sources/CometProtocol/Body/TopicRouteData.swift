package import CometCore

/// Which queues of a topic one broker (name) serves.
package struct QueueData: JSONBody, Hashable {
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

    package static let fieldDefaults: [String: JSONValue] = ["topicSysFlag": 0]
    /// RocketMQ 4.x name servers spell it `topicSynFlag`.
    package static let fieldAliases = ["topicSysFlag": "topicSynFlag"]
}

/// A broker name and its addresses by broker id (0 = master, ≥ 1 = slaves).
package struct BrokerData: JSONBody, Hashable {
    package var cluster: String
    package var brokerName: String
    package var brokerAddrs: [Int64: String]

    package init(cluster: String, brokerName: String, brokerAddrs: [Int64: String]) {
        self.cluster = cluster
        self.brokerName = brokerName
        self.brokerAddrs = brokerAddrs
    }

    /// The master's address (broker id 0), if a master is registered.
    package var masterAddr: String? { brokerAddrs[0] }
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
}
