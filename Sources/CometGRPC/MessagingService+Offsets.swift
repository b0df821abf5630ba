import CometBroker
import CometCore
import CometGRPCStubs
import GRPCCore

extension MessagingService {
    func updateOffset(
        request: Apache_Rocketmq_V2_UpdateOffsetRequest, context: ServerContext
    ) async throws
        -> Apache_Rocketmq_V2_UpdateOffsetResponse
    {
        var response = Apache_Rocketmq_V2_UpdateOffsetResponse()
        do {
            _ = try facade.groupPolicy(request.group.name)
            try facade.updateConsumerOffset(
                group: request.group.name, topic: request.messageQueue.topic.name, queueID: request.messageQueue.id,
                offset: request.offset)
            response.status = .ok
        } catch {
            response.status = Apache_Rocketmq_V2_Status(error)
        }
        return response
    }

    func getOffset(
        request: Apache_Rocketmq_V2_GetOffsetRequest, context: ServerContext
    ) async throws
        -> Apache_Rocketmq_V2_GetOffsetResponse
    {
        var response = Apache_Rocketmq_V2_GetOffsetResponse()
        guard
            let offset = facade.consumerOffset(
                group: request.group.name, topic: request.messageQueue.topic.name, queueID: request.messageQueue.id)
        else {
            response.status = .code(.offsetNotFound, "group \(request.group.name) has no offset for this queue")
            return response
        }
        response.offset = offset
        response.status = .ok
        return response
    }

    func queryOffset(
        request: Apache_Rocketmq_V2_QueryOffsetRequest, context: ServerContext
    ) async throws
        -> Apache_Rocketmq_V2_QueryOffsetResponse
    {
        var response = Apache_Rocketmq_V2_QueryOffsetResponse()
        let position: MessagingFacade.OffsetPosition
        switch request.queryOffsetPolicy {
        case .beginning: position = .beginning
        case .end: position = .end
        case .timestamp:
            guard request.hasTimestamp else {
                response.status = .code(.badRequest, "the TIMESTAMP policy needs a timestamp")
                return response
            }
            position = .timestamp(MessageConverter.millis(request.timestamp))
        default:
            response.status = .code(.badRequest, "unknown offset policy")
            return response
        }
        do {
            response.offset = try facade.queueOffset(
                topic: request.messageQueue.topic.name, queueID: request.messageQueue.id, position)
            response.status = .ok
        } catch {
            response.status = Apache_Rocketmq_V2_Status(error)
        }
        return response
    }

    func pullMessage(
        request: Apache_Rocketmq_V2_PullMessageRequest, response: RPCWriter<Apache_Rocketmq_V2_PullMessageResponse>,
        context: ServerContext
    ) async throws {
        func status(_ status: Apache_Rocketmq_V2_Status) async throws {
            var item = Apache_Rocketmq_V2_PullMessageResponse()
            item.status = status
            try await response.write(item)
        }
        let topic = request.messageQueue.topic.name
        guard request.batchSize > 0, request.batchSize <= 1024, request.offset >= 0 else {
            return try await status(.code(.badRequest, "the batch size must be 1…1024 and the offset ≥ 0"))
        }
        do {
            _ = try facade.groupPolicy(request.group.name)
            let expression = request.filterExpression
            let filter = try facade.filter(
                group: request.group.name, topic: topic, sql: expression.type == .sql, expression: expression.expression
            )
            let wait =
                request.hasLongPollingTimeout ? min(MessageConverter.millis(request.longPollingTimeout), 60_000) : 0
            let (messages, next) = try await facade.pull(
                topic: topic, queueID: request.messageQueue.id, offset: request.offset,
                maxCount: Int(request.batchSize),
                filter: filter, waitMillis: wait)
            try await status(messages.isEmpty ? .code(.messageNotFound, "no new message") : .ok)
            for message in messages {
                var item = Apache_Rocketmq_V2_PullMessageResponse()
                item.message = MessageConverter.message(message, receiptHandle: nil, attempt: nil, invisibleMillis: nil)
                try await response.write(item)
            }
            var item = Apache_Rocketmq_V2_PullMessageResponse()
            item.nextOffset = next
            try await response.write(item)
        } catch let error as MessagingFacade.Failure {
            try await status(Apache_Rocketmq_V2_Status(error))
        }
    }

    func recallMessage(
        request: Apache_Rocketmq_V2_RecallMessageRequest, context: ServerContext
    ) async throws
        -> Apache_Rocketmq_V2_RecallMessageResponse
    {
        var response = Apache_Rocketmq_V2_RecallMessageResponse()
        guard MessagingFacade.isValidName(request.topic.name) else {
            response.status = .code(.illegalTopic, "the topic name \"\(request.topic.name)\" is illegal")
            return response
        }
        do {
            response.messageID = try await facade.recall(topic: request.topic.name, handle: request.recallHandle)
            response.status = .ok
        } catch {
            response.status = Apache_Rocketmq_V2_Status(error)
        }
        return response
    }

    func syncLiteSubscription(
        request: Apache_Rocketmq_V2_SyncLiteSubscriptionRequest, context: ServerContext
    ) async throws -> Apache_Rocketmq_V2_SyncLiteSubscriptionResponse {
        var response = Apache_Rocketmq_V2_SyncLiteSubscriptionResponse()
        response.status = .code(.unsupported, "lite topics are not supported")
        return response
    }
}
