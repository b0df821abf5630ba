import CometBroker
import CometCore
import CometGRPCStubs
import GRPCCore
import NIOCore

extension MessagingService {
    func sendMessage(
        request: Apache_Rocketmq_V2_SendMessageRequest, context: ServerContext
    ) async throws
        -> Apache_Rocketmq_V2_SendMessageResponse
    {
        var response = Apache_Rocketmq_V2_SendMessageResponse()
        guard !request.messages.isEmpty else {
            response.status = .code(.badRequest, "the request holds no message")
            return response
        }
        var entries: [Apache_Rocketmq_V2_SendResultEntry] = []
        for message in request.messages {
            entries.append(await send(message, peer: context.remotePeer))
        }
        response.entries = entries
        // Like the Java proxy: a single message's status is the call's status.
        if entries.count == 1 || entries.allSatisfy({ $0.status.code == .ok }) {
            response.status = entries.first(where: { $0.status.code != .ok })?.status ?? .ok
        } else {
            response.status = .code(.multipleResults, "some messages were not stored")
        }
        return response
    }

    private func send(_ message: Apache_Rocketmq_V2_Message, peer: String) async -> Apache_Rocketmq_V2_SendResultEntry {
        var entry = Apache_Rocketmq_V2_SendResultEntry()
        entry.messageID = message.systemProperties.messageID
        if let problem = Self.validate(message, maxBodySize: facade.maxMessageSize) {
            entry.status = problem
            return entry
        }
        do {
            let topic = try facade.topicCreatingIfAllowed(message.topic.name)
            let system = message.systemProperties
            let queues = max(1, topic.writeQueueNums)
            let queueID: Int32
            if system.hasMessageGroup && !system.messageGroup.isEmpty {
                // Same group, same queue: FIFO order holds across the group's messages.
                queueID = Int32(
                    truncatingIfNeeded: Int(UInt32(bitPattern: TagHashCode.javaHashCode(system.messageGroup)))
                        % Int(queues))
            } else {
                queueID = Int32(nextRoundRobin() % Int(queues))
            }
            var body = ByteBuffer(bytes: message.body)
            if system.bodyEncoding == .gzip { body = try facade.inflate(body) }
            let stored = MessageConverter.stored(
                message, queueID: queueID, bornHost: MessageConverter.bornHost(peer: peer), body: body)
            let result = try await facade.send(stored)
            entry.offset = result.queueOffset
            if system.messageType == .transaction {
                entry.transactionID =
                    TransactionID(
                        commitLogOffset: result.commitLogOffset, queueOffset: result.queueOffset
                    ).description
            }
            if let deliverAt = result.deliverAt, !system.messageID.isEmpty {
                entry.recallHandle = facade.recallHandle(
                    topic: message.topic.name, messageID: system.messageID, deliverAt: deliverAt)
            }
            entry.status = result.flushTimedOut ? .code(.masterPersistenceTimeout, "the flush timed out") : .ok
        } catch {
            entry.status = Apache_Rocketmq_V2_Status(error)
        }
        return entry
    }

    /// Checks a message as the Java proxy does before it reaches the broker.
    static func validate(_ message: Apache_Rocketmq_V2_Message, maxBodySize: Int) -> Apache_Rocketmq_V2_Status? {
        let system = message.systemProperties
        guard MessagingFacade.isValidName(message.topic.name) else {
            return .code(.illegalTopic, "the topic name \"\(message.topic.name)\" is illegal")
        }
        if message.body.isEmpty { return .code(.messageBodyEmpty, "the message body is empty") }
        if message.body.count > maxBodySize {
            return .code(
                .messageBodyTooLarge, "the message body size \(message.body.count) is over the max value \(maxBodySize)"
            )
        }
        if system.hasTag && (system.tag.isEmpty || system.tag.contains("|") || system.tag.allSatisfy(\.isWhitespace)) {
            return .code(.illegalMessageTag, "the tag \"\(system.tag)\" is illegal")
        }
        if system.keys.contains(where: { $0.isEmpty || $0.contains(" ") }) {
            return .code(.illegalMessageKey, "a message key is empty or contains a space")
        }
        if system.hasMessageGroup && system.messageGroup.isEmpty {
            return .code(.illegalMessageGroup, "the message group is empty")
        }
        for key in message.userProperties.keys where key.isEmpty || MessageConverter.systemKeys.contains(key) {
            return .code(.illegalMessagePropertyKey, "the property key \"\(key)\" is reserved")
        }
        switch system.messageType {
        case .normal:
            if system.hasMessageGroup || system.hasDeliveryTimestamp {
                return .code(.messagePropertyConflictWithType, "a NORMAL message has a message group or delivery time")
            }
        case .fifo:
            if !system.hasMessageGroup {
                return .code(.messagePropertyConflictWithType, "a FIFO message needs a message group")
            }
        case .delay:
            if !system.hasDeliveryTimestamp {
                return .code(.messagePropertyConflictWithType, "a DELAY message needs a delivery timestamp")
            }
        case .transaction:
            if system.hasMessageGroup || system.hasDeliveryTimestamp {
                return .code(
                    .messagePropertyConflictWithType, "a TRANSACTION message has a message group or delivery time")
            }
        default:
            return .code(.unsupported, "message type \(system.messageType) is not supported")
        }
        if system.bodyEncoding != .identity && system.bodyEncoding != .gzip && system.bodyEncoding != .unspecified {
            return .code(.unsupported, "body encoding \(system.bodyEncoding) is not supported")
        }
        return nil
    }
}

/// The transaction id v5 producers get for a half message: where it is stored, so EndTransaction
/// and the orphaned-transaction check find it without a lookup table.
struct TransactionID: CustomStringConvertible, Equatable {
    var commitLogOffset: Int64
    var queueOffset: Int64

    init(commitLogOffset: Int64, queueOffset: Int64) {
        self.commitLogOffset = commitLogOffset
        self.queueOffset = queueOffset
    }

    init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0] == "TX", let commit = Int64(parts[1], radix: 16),
            let queue = Int64(parts[2], radix: 16), commit >= 0, queue >= 0
        else { return nil }
        self.init(commitLogOffset: commit, queueOffset: queue)
    }

    var description: String {
        "TX-\(String(commitLogOffset, radix: 16, uppercase: true))-\(String(queueOffset, radix: 16, uppercase: true))"
    }
}
