import CometCore
import CometProtocol
import CometRemoting
import CometStore

extension BrokerProcessor {
    /// QUERY_CONSUMER_OFFSET (RocketMQ `ConsumerManageProcessor`).
    ///
    /// With no committed offset, a group starts at 0 when the queue's first message is still
    /// stored and hot (so a new group of a young topic sees everything); otherwise QUERY_NOT_FOUND
    /// and the client applies its consume-from-where.
    func queryConsumerOffset(_ request: RemotingCommand, store: MessageStore) async throws -> RemotingCommand {
        let header = try request.decodeHeader(QueryConsumerOffsetRequestHeader.self)
        if let offset = controller.offsets.offset(
            group: header.consumerGroup, topic: header.topic, queueId: header.queueId)
        {
            return .response(to: request, header: OffsetResponseHeader(offset: offset))
        }
        let minOffset = store.minOffset(topic: header.topic, queueID: header.queueId)
        if minOffset <= 0 {
            let first = try? await store.getMessages(
                topic: header.topic, queueID: header.queueId, offset: 0, maxCount: 1)
            if first?.suggestPullingFromSlave != true {
                return .response(to: request, header: OffsetResponseHeader(offset: 0))
            }
        }
        return .response(
            to: request, code: .queryNotFound, remark: "Not found, maybe this group consumer boot first")
    }

    /// UPDATE_CONSUMER_OFFSET.
    func updateConsumerOffset(_ request: RemotingCommand) throws -> RemotingCommand {
        let header = try request.decodeHeader(UpdateConsumerOffsetRequestHeader.self)
        controller.offsets.commit(
            group: header.consumerGroup, topic: header.topic, queueId: header.queueId, offset: header.commitOffset)
        return .response(to: request)
    }

    /// GET_MAX_OFFSET, GET_MIN_OFFSET and GET_EARLIEST_MSG_STORETIME.
    func queueOffsets(_ request: RemotingCommand, store: MessageStore) throws -> RemotingCommand {
        let header = try request.decodeHeader(TopicQueueRequestHeader.self)
        switch request.requestCode {
        case .getMaxOffset:
            return .response(
                to: request,
                header: OffsetResponseHeader(offset: store.maxOffset(topic: header.topic, queueID: header.queueId)))
        case .getMinOffset:
            return .response(
                to: request,
                header: OffsetResponseHeader(offset: store.minOffset(topic: header.topic, queueID: header.queueId)))
        default:
            let minOffset = store.minOffset(topic: header.topic, queueID: header.queueId)
            guard let timestamp = store.storeTimestamp(topic: header.topic, queueID: header.queueId, offset: minOffset)
            else {
                return .response(
                    to: request, code: .systemError,
                    remark: "the queue \(header.topic):\(header.queueId) holds no message")
            }
            return .response(to: request, header: OffsetResponseHeader(timestamp: timestamp))
        }
    }

    /// SEARCH_OFFSET_BY_TIMESTAMP: the first offset stored at or after the time.
    func searchOffset(_ request: RemotingCommand, store: MessageStore) throws -> RemotingCommand {
        let header = try request.decodeHeader(SearchOffsetRequestHeader.self)
        let offset = store.offset(forTimestamp: header.timestamp, topic: header.topic, queueID: header.queueId)
        return .response(to: request, header: OffsetResponseHeader(offset: offset))
    }
}
