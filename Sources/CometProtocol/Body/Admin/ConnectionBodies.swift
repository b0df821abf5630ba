package import CometCore

/// One client connection as admin tools list it (RocketMQ `Connection`).
package struct ClientConnection: Sendable, Hashable, Codable {
    /// The connection's peer address.
    package var clientAddr: String
    package var clientId: String
    /// `JAVA`, `CPP`, ...
    package var language: String
    /// The client's remoting version (409 = 4.9.8).
    package var version: Int32

    package init(clientAddr: String, clientId: String, language: String, version: Int32) {
        self.clientAddr = clientAddr
        self.clientId = clientId
        self.language = language
        self.version = version
    }

    init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "connection")
        clientAddr = r.optionalString("clientAddr") ?? ""
        clientId = r.optionalString("clientId") ?? ""
        language = r.optionalString("language") ?? "OTHER"
        version = try r.int32("version", default: 0)
    }

    var json: JSONValue {
        .object([
            "clientAddr": .string(clientAddr), "clientId": .string(clientId), "language": .string(language),
            "version": .int(version),
        ])
    }

    static func set(_ connections: [ClientConnection]) -> JSONValue {
        .array(connections.sorted { ($0.clientId, $0.clientAddr) < ($1.clientId, $1.clientAddr) }.map(\.json))
    }
}

/// GET_CONSUMER_CONNECTION_LIST (203) response body (RocketMQ `ConsumerConnection`).
package struct ConsumerConnection: JSONBody, Hashable {
    package var connectionSet: [ClientConnection]
    package var subscriptionTable: [String: SubscriptionData]
    package var consumeType: ConsumeType
    package var messageModel: MessageModel
    package var consumeFromWhere: ConsumeFromWhere

    package init(
        connectionSet: [ClientConnection], subscriptionTable: [String: SubscriptionData], consumeType: ConsumeType,
        messageModel: MessageModel, consumeFromWhere: ConsumeFromWhere
    ) {
        self.connectionSet = connectionSet
        self.subscriptionTable = subscriptionTable
        self.consumeType = consumeType
        self.messageModel = messageModel
        self.consumeFromWhere = consumeFromWhere
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "consumerConnection")
        var connections: [ClientConnection] = []
        for c in r.array("connectionSet") { connections.append(try ClientConnection(json: c)) }
        connectionSet = connections
        var table: [String: SubscriptionData] = [:]
        for (topic, s) in r.object("subscriptionTable") { table[topic] = try SubscriptionData(json: s) }
        subscriptionTable = table
        consumeType = ConsumeType(json: r.members["consumeType"])
        messageModel = MessageModel(json: r.members["messageModel"])
        consumeFromWhere = ConsumeFromWhere(json: r.members["consumeFromWhere"])
    }

    package var json: JSONValue {
        .object([
            "connectionSet": ClientConnection.set(connectionSet),
            "subscriptionTable": .object(subscriptionTable.mapValues(\.json)),
            "consumeType": .string(consumeType.rawValue), "messageModel": .string(messageModel.rawValue),
            "consumeFromWhere": .string(consumeFromWhere.rawValue),
        ])
    }
}

/// GET_PRODUCER_CONNECTION_LIST (204) response body (RocketMQ `ProducerConnection`).
package struct ProducerConnection: JSONBody, Hashable {
    package var connectionSet: [ClientConnection]

    package init(connectionSet: [ClientConnection]) { self.connectionSet = connectionSet }

    package init(json: JSONValue) throws(CometError) {
        var connections: [ClientConnection] = []
        for c in try JSONObjectReader(json, "producerConnection").array("connectionSet") {
            connections.append(try ClientConnection(json: c))
        }
        connectionSet = connections
    }

    package var json: JSONValue { .object(["connectionSet": ClientConnection.set(connectionSet)]) }
}

/// QUERY_TOPIC_CONSUME_BY_WHO (300) response body (RocketMQ `GroupList`).
package struct GroupList: JSONBody, Hashable {
    package var groupList: [String]

    package init(groupList: [String]) { self.groupList = groupList }

    package init(json: JSONValue) throws(CometError) {
        groupList = try JSONObjectReader(json, "groupList").array("groupList").compactMap(\.stringValue)
    }

    package var json: JSONValue { .object(["groupList": .array(groupList.sorted().map(JSONValue.string))]) }
}

/// CHECK_CLIENT_CONFIG (46) request body (RocketMQ `CheckClientRequestBody`).
package struct CheckClientRequestBody: JSONBody, Hashable {
    package var clientId: String?
    package var group: String?
    package var subscriptionData: SubscriptionData?

    package init(clientId: String?, group: String?, subscriptionData: SubscriptionData?) {
        self.clientId = clientId
        self.group = group
        self.subscriptionData = subscriptionData
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "checkClientRequestBody")
        clientId = r.optionalString("clientId")
        group = r.optionalString("group")
        if let s = r.members["subscriptionData"], s != .null {
            subscriptionData = try SubscriptionData(json: s)
        }
    }

    package var json: JSONValue {
        var members: [String: JSONValue] = [:]
        if let clientId { members["clientId"] = .string(clientId) }
        if let group { members["group"] = .string(group) }
        if let subscriptionData { members["subscriptionData"] = subscriptionData.json }
        return .object(members)
    }
}
