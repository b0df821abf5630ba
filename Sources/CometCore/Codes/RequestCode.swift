/// A RocketMQ request code (the `code` of a request command).
///
/// Open struct so unknown codes still decode and can be answered with REQUEST_CODE_NOT_SUPPORTED.
/// Values: RocketMQ `RequestCode`.
package struct RequestCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package init(_ rawValue: Int32) { self.rawValue = rawValue }

    // Broker: messages and consumers.
    package static let sendMessage = RequestCode(10)
    package static let pullMessage = RequestCode(11)
    package static let queryMessage = RequestCode(12)
    package static let queryConsumerOffset = RequestCode(14)
    package static let updateConsumerOffset = RequestCode(15)
    package static let updateAndCreateTopic = RequestCode(17)
    package static let getAllTopicConfig = RequestCode(21)
    package static let searchOffsetByTimestamp = RequestCode(29)
    package static let getMaxOffset = RequestCode(30)
    package static let getMinOffset = RequestCode(31)
    package static let getEarliestMsgStoreTime = RequestCode(32)
    package static let viewMessageById = RequestCode(33)
    package static let heartBeat = RequestCode(34)
    package static let unregisterClient = RequestCode(35)
    package static let consumerSendMsgBack = RequestCode(36)
    package static let endTransaction = RequestCode(37)
    package static let getConsumerListByGroup = RequestCode(38)
    package static let checkTransactionState = RequestCode(39)
    package static let notifyConsumerIdsChanged = RequestCode(40)
    package static let lockBatchMQ = RequestCode(41)
    package static let unlockBatchMQ = RequestCode(42)
    package static let deleteTopicInBroker = RequestCode(215)
    package static let resetConsumerClientOffset = RequestCode(220)
    package static let getConsumerStatusFromClient = RequestCode(221)
    package static let invokeBrokerToResetOffset = RequestCode(222)
    package static let getConsumerRunningInfo = RequestCode(307)
    package static let consumeMessageDirectly = RequestCode(309)
    package static let sendMessageV2 = RequestCode(310)
    package static let sendBatchMessage = RequestCode(320)

    // Name server.
    package static let putKVConfig = RequestCode(100)
    package static let getKVConfig = RequestCode(101)
    package static let deleteKVConfig = RequestCode(102)
    package static let registerBroker = RequestCode(103)
    package static let unregisterBroker = RequestCode(104)
    package static let getRouteInfoByTopic = RequestCode(105)
    package static let getBrokerClusterInfo = RequestCode(106)
    package static let wipeWritePermOfBroker = RequestCode(205)
    package static let getAllTopicListFromNameServer = RequestCode(206)
    package static let deleteTopicInNamesrv = RequestCode(216)
    package static let getKVListByNamespace = RequestCode(219)
    package static let queryDataVersion = RequestCode(322)
    package static let addWritePermOfBroker = RequestCode(327)

    private static let names: [Int32: String] = [
        10: "SEND_MESSAGE", 11: "PULL_MESSAGE", 12: "QUERY_MESSAGE", 14: "QUERY_CONSUMER_OFFSET",
        15: "UPDATE_CONSUMER_OFFSET", 17: "UPDATE_AND_CREATE_TOPIC", 21: "GET_ALL_TOPIC_CONFIG",
        29: "SEARCH_OFFSET_BY_TIMESTAMP", 30: "GET_MAX_OFFSET", 31: "GET_MIN_OFFSET",
        32: "GET_EARLIEST_MSG_STORETIME", 33: "VIEW_MESSAGE_BY_ID", 34: "HEART_BEAT", 35: "UNREGISTER_CLIENT",
        36: "CONSUMER_SEND_MSG_BACK", 37: "END_TRANSACTION", 38: "GET_CONSUMER_LIST_BY_GROUP",
        39: "CHECK_TRANSACTION_STATE", 40: "NOTIFY_CONSUMER_IDS_CHANGED", 41: "LOCK_BATCH_MQ",
        42: "UNLOCK_BATCH_MQ", 100: "PUT_KV_CONFIG", 101: "GET_KV_CONFIG", 102: "DELETE_KV_CONFIG",
        103: "REGISTER_BROKER", 104: "UNREGISTER_BROKER", 105: "GET_ROUTEINFO_BY_TOPIC",
        106: "GET_BROKER_CLUSTER_INFO", 205: "WIPE_WRITE_PERM_OF_BROKER", 206: "GET_ALL_TOPIC_LIST_FROM_NAMESERVER",
        215: "DELETE_TOPIC_IN_BROKER", 216: "DELETE_TOPIC_IN_NAMESRV", 219: "GET_KVLIST_BY_NAMESPACE",
        220: "RESET_CONSUMER_CLIENT_OFFSET", 221: "GET_CONSUMER_STATUS_FROM_CLIENT",
        222: "INVOKE_BROKER_TO_RESET_OFFSET",
        307: "GET_CONSUMER_RUNNING_INFO", 309: "CONSUME_MESSAGE_DIRECTLY", 310: "SEND_MESSAGE_V2",
        320: "SEND_BATCH_MESSAGE", 322: "QUERY_DATA_VERSION", 327: "ADD_WRITE_PERM_OF_BROKER",
    ]

    /// RocketMQ's name for the code, or the number for codes we do not know.
    package var description: String { Self.names[rawValue] ?? "REQUEST_\(rawValue)" }
}
