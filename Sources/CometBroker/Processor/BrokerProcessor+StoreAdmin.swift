import CometCore
import CometProtocol
import CometRemoting
import CometStore
import Logging
import NIOCore

extension BrokerProcessor {
    /// CLEAN_UNUSED_TOPIC (316): deletes the consume queues of topics the broker has no
    /// configuration for (left behind by a deleted topic or a lost `topics.json`). The broker's
    /// own system topics are kept even without a configuration entry.
    func cleanUnusedTopics(_ request: RemotingCommand, store: MessageStore) -> RemotingCommand {
        let keep = Set(controller.topics.snapshot.topicConfigTable.keys).union(Self.systemTopicList)
        let removed = store.removeConsumeQueues(keeping: keep)
        controller.logger.warning("clean unused topics", metadata: ["removed": "\(removed)"])
        return .response(to: request)
    }

    /// QUERY_CONSUME_QUEUE (321): raw consume-queue units for tools (`mqadmin queryCq`). Like
    /// upstream, a missing queue is SYSTEM_ERROR, and an index outside the queue is SUCCESS with a
    /// remark and no body.
    func queryConsumeQueue(_ request: RemotingCommand, store: MessageStore) throws -> RemotingCommand {
        let header = try request.decodeHeader(QueryConsumeQueueRequestHeader.self)
        guard
            let view = store.consumeQueueView(
                topic: header.topic, queueID: header.queueId, index: header.index, count: Int(header.count))
        else {
            return .response(to: request, code: .systemError, remark: "\(header.queueId)@\(header.topic) is not exist!")
        }
        var body = QueryConsumeQueueResponseBody(
            subscriptionData: nil, filterData: nil, queueData: nil, maxQueueIndex: view.maxOffset,
            minQueueIndex: view.minOffset)
        if let group = header.consumerGroup {
            if let subscription = controller.consumers.group(group)?.subscriptions[header.topic] {
                body.subscriptionData = subscription
                body.filterData = Self.filterData(subscription, group: group)
            } else {
                body.filterData = "\(group)@\(header.topic) is not online!"
            }
        }
        guard let entries = view.entries else {
            return .response(
                to: request, remark: "Index \(header.index) of \(header.queueId)@\(header.topic) is not exist!")
        }
        body.queueData = entries.map {
            ConsumeQueueData(physicOffset: $0.commitLogOffset, physicSize: $0.messageSize, tagsCode: $0.tagsCode)
        }
        return .response(to: request, body: body.encoded())
    }

    /// Upstream shows the group's `ConsumerFilterData` as JSON; tag subscriptions have none (`null`).
    private static func filterData(_ subscription: SubscriptionData, group: String) -> String {
        guard subscription.expressionType != "TAG" else { return "null" }
        let data: JSONValue = .object([
            "consumerGroup": .string(group), "topic": .string(subscription.topic),
            "expression": .string(subscription.subString), "expressionType": .string(subscription.expressionType),
            "clientVersion": .int(subscription.subVersion),
        ])
        return String(buffer: JSONWriter.encode(data))
    }

    /// RESUME_CHECK_HALF_MESSAGE (323): puts the message named by `msgId` (typically one the
    /// transaction checker gave up on and moved to TRANS_CHECK_MAX_TIME_TOPIC) back into
    /// `RMQ_SYS_TRANS_HALF_TOPIC` queue 0 with `TRANSACTION_CHECK_TIMES` reset, so its producer is
    /// asked again. Remarks as upstream's.
    func resumeCheckHalfMessage(_ request: RemotingCommand, store: MessageStore) async throws -> RemotingCommand {
        let header = try request.decodeHeader(ResumeCheckHalfMessageRequestHeader.self)
        guard let id = header.msgId, var message = store.lookMessage(offsetMessageID: id) else {
            return .response(
                to: request, code: .systemError,
                remark: "Exception was thrown when putting message back to RMQ_SYS_TRANS_HALF_TOPIC.")
        }
        message.topic = MessageScheduler.halfTopic
        message.queueID = 0
        message.properties[Self.transactionCheckTimes] = "0"
        let result = try? await store.putMessage(message)
        guard let result, result.status == .putOK else {
            controller.logger.error("resume check: put back to the half topic failed", metadata: ["msgId": "\(id)"])
            return .response(
                to: request, code: .systemError, remark: "Put message back to RMQ_SYS_TRANS_HALF_TOPIC failed.")
        }
        controller.logger.info(
            "half message put back for checking",
            metadata: ["msgId": "\(id)", "realTopic": "\(message.properties[MessagePropertyKey.realTopic] ?? "")"])
        return .response(to: request)
    }

    /// `MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES`.
    static let transactionCheckTimes = "TRANSACTION_CHECK_TIMES"
}
