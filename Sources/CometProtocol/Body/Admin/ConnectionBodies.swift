/// One client connection as admin tools list it (RocketMQ `Connection`).
package struct ClientConnection: JSONBody, Hashable {
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

    package static let fieldDefaults: [String: JSONValue] = [
        "clientAddr": "", "clientId": "", "language": "OTHER", "version": 0,
    ]
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
        self.connectionSet = connectionSet.sorted { ($0.clientId, $0.clientAddr) < ($1.clientId, $1.clientAddr) }
        self.subscriptionTable = subscriptionTable
        self.consumeType = consumeType
        self.messageModel = messageModel
        self.consumeFromWhere = consumeFromWhere
    }
}

/// GET_PRODUCER_CONNECTION_LIST (204) response body (RocketMQ `ProducerConnection`).
package struct ProducerConnection: JSONBody, Hashable {
    package var connectionSet: [ClientConnection]

    package init(connectionSet: [ClientConnection]) {
        self.connectionSet = connectionSet.sorted { ($0.clientId, $0.clientAddr) < ($1.clientId, $1.clientAddr) }
    }
}

/// QUERY_TOPIC_CONSUME_BY_WHO (300) response body (RocketMQ `GroupList`).
package struct GroupList: JSONBody, Hashable {
    package var groupList: [String]

    package init(groupList: [String]) { self.groupList = groupList.sorted() }
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
}
