/// A RocketMQ response code (the `code` of a response command).
///
/// Kept as an open struct rather than an enum: peers may send codes we do not know, and they must
/// still round-trip. Values: RocketMQ `RemotingSysResponseCode` and `ResponseCode`.
package struct ResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package init(_ rawValue: Int32) { self.rawValue = rawValue }

    package static let success = ResponseCode(0)
    package static let systemError = ResponseCode(1)
    package static let systemBusy = ResponseCode(2)
    package static let requestCodeNotSupported = ResponseCode(3)
    package static let transactionFailed = ResponseCode(4)
    package static let flushDiskTimeout = ResponseCode(10)
    package static let slaveNotAvailable = ResponseCode(11)
    package static let flushSlaveTimeout = ResponseCode(12)
    package static let messageIllegal = ResponseCode(13)
    package static let serviceNotAvailable = ResponseCode(14)
    package static let versionNotSupported = ResponseCode(15)
    package static let noPermission = ResponseCode(16)
    package static let topicNotExist = ResponseCode(17)
    package static let topicExistAlready = ResponseCode(18)
    package static let pullNotFound = ResponseCode(19)
    package static let pullRetryImmediately = ResponseCode(20)
    package static let pullOffsetMoved = ResponseCode(21)
    package static let queryNotFound = ResponseCode(22)
    package static let subscriptionParseFailed = ResponseCode(23)
    package static let subscriptionNotExist = ResponseCode(24)
    package static let subscriptionNotLatest = ResponseCode(25)
    package static let subscriptionGroupNotExist = ResponseCode(26)
    package static let filterDataNotExist = ResponseCode(27)
    package static let filterDataNotLatest = ResponseCode(28)
    package static let transactionShouldCommit = ResponseCode(200)
    package static let transactionShouldRollback = ResponseCode(201)
    package static let transactionStateUnknown = ResponseCode(202)
    package static let transactionStateGroupWrong = ResponseCode(203)
    package static let consumerNotOnline = ResponseCode(206)
    package static let consumeMessageTimeout = ResponseCode(207)
    package static let noMessage = ResponseCode(208)
    package static let flowControl = ResponseCode(215)

    private static let names: [Int32: String] = [
        0: "SUCCESS", 1: "SYSTEM_ERROR", 2: "SYSTEM_BUSY", 3: "REQUEST_CODE_NOT_SUPPORTED",
        4: "TRANSACTION_FAILED", 10: "FLUSH_DISK_TIMEOUT", 11: "SLAVE_NOT_AVAILABLE", 12: "FLUSH_SLAVE_TIMEOUT",
        13: "MESSAGE_ILLEGAL", 14: "SERVICE_NOT_AVAILABLE", 15: "VERSION_NOT_SUPPORTED", 16: "NO_PERMISSION",
        17: "TOPIC_NOT_EXIST", 18: "TOPIC_EXIST_ALREADY", 19: "PULL_NOT_FOUND", 20: "PULL_RETRY_IMMEDIATELY",
        21: "PULL_OFFSET_MOVED", 22: "QUERY_NOT_FOUND", 23: "SUBSCRIPTION_PARSE_FAILED",
        24: "SUBSCRIPTION_NOT_EXIST", 25: "SUBSCRIPTION_NOT_LATEST", 26: "SUBSCRIPTION_GROUP_NOT_EXIST",
        27: "FILTER_DATA_NOT_EXIST", 28: "FILTER_DATA_NOT_LATEST", 200: "TRANSACTION_SHOULD_COMMIT",
        201: "TRANSACTION_SHOULD_ROLLBACK", 202: "TRANSACTION_STATE_UNKNOW", 203: "TRANSACTION_STATE_GROUP_WRONG",
        206: "CONSUMER_NOT_ONLINE", 207: "CONSUME_MSG_TIMEOUT", 208: "NO_MESSAGE", 215: "FLOW_CONTROL",
    ]

    /// RocketMQ's name for the code, or the number for codes we do not know.
    package var description: String { Self.names[rawValue] ?? "RESPONSE_\(rawValue)" }
}
