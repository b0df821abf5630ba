package import CometCore

/// A version stamp of a broker's topic configuration; the name server rebuilds a broker's queue
/// data only when it changes.
package struct DataVersion: JSONBody, Hashable {
    package var timestamp: Int64
    package var counter: Int64

    package init(timestamp: Int64, counter: Int64) {
        self.timestamp = timestamp
        self.counter = counter
    }

    package static let fieldDefaults: [String: JSONValue] = ["timestamp": 0, "counter": 0]
}

/// A topic's configuration as brokers persist it and report it to name servers.
package struct TopicConfig: JSONBody, Hashable {
    package var topicName: String
    package var readQueueNums: Int32
    package var writeQueueNums: Int32
    package var perm: Permission
    package var topicFilterType: String
    package var topicSysFlag: Int32
    package var order: Bool

    package init(
        topicName: String, readQueueNums: Int32 = 4, writeQueueNums: Int32 = 4, perm: Permission = .readWrite,
        topicFilterType: String = "SINGLE_TAG", topicSysFlag: Int32 = 0, order: Bool = false
    ) {
        self.topicName = topicName
        self.readQueueNums = readQueueNums
        self.writeQueueNums = writeQueueNums
        self.perm = perm
        self.topicFilterType = topicFilterType
        self.topicSysFlag = topicSysFlag
        self.order = order
    }

    /// Java's `TopicConfig` field initializers.
    package static let fieldDefaults: [String: JSONValue] = [
        "readQueueNums": 16, "writeQueueNums": 16, "perm": .int(Permission.readWrite.rawValue),
        "topicFilterType": "SINGLE_TAG", "topicSysFlag": 0, "order": false,
    ]
}

/// REGISTER_BROKER request body (uncompressed form): the broker's topics and their version.
package struct RegisterBrokerBody: JSONBody, Hashable {
    package var topicConfigSerializeWrapper: TopicConfigSerializeWrapper
    package var filterServerList: [String]

    package init(topicConfigTable: [String: TopicConfig], dataVersion: DataVersion, filterServerList: [String] = []) {
        topicConfigSerializeWrapper = TopicConfigSerializeWrapper(
            topicConfigTable: topicConfigTable, dataVersion: dataVersion)
        self.filterServerList = filterServerList
    }

    /// The broker's topics.
    package var topicConfigTable: [String: TopicConfig] {
        get { topicConfigSerializeWrapper.topicConfigTable }
        set { topicConfigSerializeWrapper.topicConfigTable = newValue }
    }

    /// The version of ``topicConfigTable``.
    package var dataVersion: DataVersion {
        get { topicConfigSerializeWrapper.dataVersion }
        set { topicConfigSerializeWrapper.dataVersion = newValue }
    }
}
