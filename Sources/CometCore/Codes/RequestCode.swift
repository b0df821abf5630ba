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

    // Admin, statistics and request-reply (RocketMQ 4.9.8 `RequestCode`).
    package static let queryBrokerOffset = RequestCode(13)
    package static let getTopicConfigList = RequestCode(22)
    package static let getTopicNameList = RequestCode(23)
    package static let updateBrokerConfig = RequestCode(25)
    package static let getBrokerConfig = RequestCode(26)
    package static let triggerDeleteFiles = RequestCode(27)
    package static let getBrokerRuntimeInfo = RequestCode(28)
    package static let getAllConsumerOffset = RequestCode(43)
    package static let getAllDelayOffset = RequestCode(45)
    package static let checkClientConfig = RequestCode(46)
    package static let updateAndCreateSubscriptionGroup = RequestCode(200)
    package static let getAllSubscriptionGroupConfig = RequestCode(201)
    package static let getTopicStatsInfo = RequestCode(202)
    package static let getConsumerConnectionList = RequestCode(203)
    package static let getProducerConnectionList = RequestCode(204)
    package static let deleteSubscriptionGroup = RequestCode(207)
    package static let getConsumeStats = RequestCode(208)
    package static let suspendConsumer = RequestCode(209)
    package static let resumeConsumer = RequestCode(210)
    package static let resetConsumerOffsetInConsumer = RequestCode(211)
    package static let resetConsumerOffsetInBroker = RequestCode(212)
    package static let adjustConsumerThreadPool = RequestCode(213)
    package static let whoConsumeTheMessage = RequestCode(214)
    package static let invokeBrokerToGetConsumerStatus = RequestCode(223)
    package static let getTopicsByCluster = RequestCode(224)
    package static let queryTopicConsumeByWho = RequestCode(300)
    package static let registerFilterServer = RequestCode(301)
    package static let registerMessageFilterClass = RequestCode(302)
    package static let queryConsumeTimeSpan = RequestCode(303)
    package static let getSystemTopicListFromNS = RequestCode(304)
    package static let getSystemTopicListFromBroker = RequestCode(305)
    package static let cleanExpiredConsumeQueue = RequestCode(306)
    package static let queryCorrectionOffset = RequestCode(308)
    package static let getUnitTopicList = RequestCode(311)
    package static let getHasUnitSubTopicList = RequestCode(312)
    package static let getHasUnitSubUnUnitTopicList = RequestCode(313)
    package static let cloneGroupOffset = RequestCode(314)
    package static let viewBrokerStatsData = RequestCode(315)
    package static let cleanUnusedTopic = RequestCode(316)
    package static let getBrokerConsumeStats = RequestCode(317)
    package static let updateNamesrvConfig = RequestCode(318)
    package static let getNamesrvConfig = RequestCode(319)
    package static let queryConsumeQueue = RequestCode(321)
    package static let resumeCheckHalfMessage = RequestCode(323)
    package static let sendReplyMessage = RequestCode(324)
    package static let sendReplyMessageV2 = RequestCode(325)
    package static let pushReplyMessageToClient = RequestCode(326)
    package static let getAllProducerInfo = RequestCode(328)
    package static let deleteExpiredCommitLog = RequestCode(329)

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
        10: "SEND_MESSAGE", 11: "PULL_MESSAGE", 12: "QUERY_MESSAGE", 13: "QUERY_BROKER_OFFSET",
        14:
            "QUERY_CONSUMER_OFFSET", 15: "UPDATE_CONSUMER_OFFSET", 17: "UPDATE_AND_CREATE_TOPIC",
        21:
            "GET_ALL_TOPIC_CONFIG", 22: "GET_TOPIC_CONFIG_LIST", 23: "GET_TOPIC_NAME_LIST",
        25:
            "UPDATE_BROKER_CONFIG", 26: "GET_BROKER_CONFIG", 27: "TRIGGER_DELETE_FILES",
        28:
            "GET_BROKER_RUNTIME_INFO", 29: "SEARCH_OFFSET_BY_TIMESTAMP", 30: "GET_MAX_OFFSET",
        31:
            "GET_MIN_OFFSET", 32: "GET_EARLIEST_MSG_STORETIME", 33: "VIEW_MESSAGE_BY_ID", 34: "HEART_BEAT",
        35:
            "UNREGISTER_CLIENT", 36: "CONSUMER_SEND_MSG_BACK", 37: "END_TRANSACTION",
        38:
            "GET_CONSUMER_LIST_BY_GROUP", 39: "CHECK_TRANSACTION_STATE", 40: "NOTIFY_CONSUMER_IDS_CHANGED",
        41:
            "LOCK_BATCH_MQ", 42: "UNLOCK_BATCH_MQ", 43: "GET_ALL_CONSUMER_OFFSET", 45: "GET_ALL_DELAY_OFFSET",
        46:
            "CHECK_CLIENT_CONFIG", 50: "UPDATE_AND_CREATE_ACL_CONFIG", 51: "DELETE_ACL_CONFIG",
        52:
            "GET_BROKER_CLUSTER_ACL_INFO", 53: "UPDATE_GLOBAL_WHITE_ADDRS_CONFIG", 100: "PUT_KV_CONFIG",
        101:
            "GET_KV_CONFIG", 102: "DELETE_KV_CONFIG", 103: "REGISTER_BROKER", 104: "UNREGISTER_BROKER",
        105:
            "GET_ROUTEINFO_BY_TOPIC", 106: "GET_BROKER_CLUSTER_INFO", 200: "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP",
        201: "GET_ALL_SUBSCRIPTIONGROUP_CONFIG", 202: "GET_TOPIC_STATS_INFO",
        203:
            "GET_CONSUMER_CONNECTION_LIST", 204: "GET_PRODUCER_CONNECTION_LIST", 205: "WIPE_WRITE_PERM_OF_BROKER",
        206: "GET_ALL_TOPIC_LIST_FROM_NAMESERVER", 207: "DELETE_SUBSCRIPTIONGROUP", 208: "GET_CONSUME_STATS",
        209: "SUSPEND_CONSUMER", 210: "RESUME_CONSUMER", 211: "RESET_CONSUMER_OFFSET_IN_CONSUMER",
        212:
            "RESET_CONSUMER_OFFSET_IN_BROKER", 213: "ADJUST_CONSUMER_THREAD_POOL", 214: "WHO_CONSUME_THE_MESSAGE",
        215: "DELETE_TOPIC_IN_BROKER", 216: "DELETE_TOPIC_IN_NAMESRV", 219: "GET_KVLIST_BY_NAMESPACE",
        220:
            "RESET_CONSUMER_CLIENT_OFFSET", 221: "GET_CONSUMER_STATUS_FROM_CLIENT",
        222:
            "INVOKE_BROKER_TO_RESET_OFFSET", 223: "INVOKE_BROKER_TO_GET_CONSUMER_STATUS",
        224:
            "GET_TOPICS_BY_CLUSTER", 300: "QUERY_TOPIC_CONSUME_BY_WHO", 301: "REGISTER_FILTER_SERVER",
        302:
            "REGISTER_MESSAGE_FILTER_CLASS", 303: "QUERY_CONSUME_TIME_SPAN", 304: "GET_SYSTEM_TOPIC_LIST_FROM_NS",
        305: "GET_SYSTEM_TOPIC_LIST_FROM_BROKER", 306: "CLEAN_EXPIRED_CONSUMEQUEUE",
        307:
            "GET_CONSUMER_RUNNING_INFO", 308: "QUERY_CORRECTION_OFFSET", 309: "CONSUME_MESSAGE_DIRECTLY",
        310:
            "SEND_MESSAGE_V2", 311: "GET_UNIT_TOPIC_LIST", 312: "GET_HAS_UNIT_SUB_TOPIC_LIST",
        313:
            "GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST", 314: "CLONE_GROUP_OFFSET", 315: "VIEW_BROKER_STATS_DATA",
        316:
            "CLEAN_UNUSED_TOPIC", 317: "GET_BROKER_CONSUME_STATS", 318: "UPDATE_NAMESRV_CONFIG",
        319:
            "GET_NAMESRV_CONFIG", 320: "SEND_BATCH_MESSAGE", 321: "QUERY_CONSUME_QUEUE",
        322:
            "QUERY_DATA_VERSION", 323: "RESUME_CHECK_HALF_MESSAGE", 324: "SEND_REPLY_MESSAGE",
        325:
            "SEND_REPLY_MESSAGE_V2", 326: "PUSH_REPLY_MESSAGE_TO_CLIENT", 327: "ADD_WRITE_PERM_OF_BROKER",
        328:
            "GET_ALL_PRODUCER_INFO", 329: "DELETE_EXPIRED_COMMITLOG",
    ]

    /// RocketMQ's name for the code, or the number for codes we do not know.
    package var description: String { Self.names[rawValue] ?? "REQUEST_\(rawValue)" }
}
