package import CometCore

/// A version stamp of a broker's topic configuration; the name server rebuilds a broker's queue
/// data only when it changes.
package struct DataVersion: Sendable, Hashable {
    package var timestamp: Int64
    package var counter: Int64

    package init(timestamp: Int64, counter: Int64) {
        self.timestamp = timestamp
        self.counter = counter
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "dataVersion")
        timestamp = try r.int64("timestamp", default: 0)
        counter = try r.int64("counter", default: 0)
    }

    package var json: JSONValue { .object(["timestamp": .int(timestamp), "counter": .int(counter)]) }
}

/// A topic's configuration as brokers persist it and report it to name servers.
package struct TopicConfig: Sendable, Hashable {
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

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "topicConfig")
        topicName = try r.string("topicName")
        readQueueNums = try r.int32("readQueueNums", default: 16)
        writeQueueNums = try r.int32("writeQueueNums", default: 16)
        perm = Permission(rawValue: try r.int32("perm", default: Permission.readWrite.rawValue))
        topicFilterType = r.optionalString("topicFilterType") ?? "SINGLE_TAG"
        topicSysFlag = try r.int32("topicSysFlag", default: 0)
        order = r.bool("order", default: false)
    }

    package var json: JSONValue {
        .object([
            "topicName": .string(topicName), "readQueueNums": .int(readQueueNums),
            "writeQueueNums": .int(writeQueueNums), "perm": .int(perm.rawValue),
            "topicFilterType": .string(topicFilterType), "topicSysFlag": .int(topicSysFlag), "order": .bool(order),
        ])
    }
}

/// REGISTER_BROKER request body (uncompressed form): the broker's topics and their version.
package struct RegisterBrokerBody: JSONBody, Hashable {
    package var topicConfigTable: [String: TopicConfig]
    package var dataVersion: DataVersion
    package var filterServerList: [String]

    package init(topicConfigTable: [String: TopicConfig], dataVersion: DataVersion, filterServerList: [String] = []) {
        self.topicConfigTable = topicConfigTable
        self.dataVersion = dataVersion
        self.filterServerList = filterServerList
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "registerBrokerBody")
        let wrapper = try TopicConfigSerializeWrapper(json: r.members["topicConfigSerializeWrapper"] ?? .object([:]))
        topicConfigTable = wrapper.topicConfigTable
        dataVersion = wrapper.dataVersion
        filterServerList = r.array("filterServerList").compactMap(\.stringValue)
    }

    package var json: JSONValue {
        .object([
            "topicConfigSerializeWrapper":
                TopicConfigSerializeWrapper(topicConfigTable: topicConfigTable, dataVersion: dataVersion).json,
            "filterServerList": .array(filterServerList.map(JSONValue.string)),
        ])
    }
}
