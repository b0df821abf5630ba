import CometBroker
import CometCore
import CometGRPCStubs
import Foundation
import GRPCCore

extension MessagingService {
    func receiveMessage(
        request: Apache_Rocketmq_V2_ReceiveMessageRequest,
        response: RPCWriter<Apache_Rocketmq_V2_ReceiveMessageResponse>,
        context: ServerContext
    ) async throws {
        func finish(_ status: Apache_Rocketmq_V2_Status) async throws {
            var item = Apache_Rocketmq_V2_ReceiveMessageResponse()
            item.status = status
            try await response.write(item)
        }
        let group = request.group.name
        let topicName = request.messageQueue.topic.name
        guard MessagingFacade.isValidName(topicName) else {
            return try await finish(.code(.illegalTopic, "the topic name \"\(topicName)\" is illegal"))
        }
        guard request.batchSize > 0, request.batchSize <= 1024 else {
            return try await finish(.code(.badRequest, "the batch size \(request.batchSize) is not in 1…1024"))
        }
        let invisible: Duration
        if request.hasInvisibleDuration {
            let millis = MessageConverter.millis(request.invisibleDuration)
            invisible = .milliseconds(millis)
            guard configuration.invisibleTimeRange.contains(invisible) else {
                return try await finish(
                    .code(
                        .illegalInvisibleTime,
                        "the invisible duration \(millis) ms is outside \(configuration.invisibleTimeRange)"))
            }
        } else {
            invisible = configuration.defaultInvisibleTime
        }
        let policy: MessagingFacade.GroupPolicy
        let filter: PopFilter
        do {
            policy = try facade.groupPolicy(group)
            let expression = request.filterExpression
            filter = try facade.filter(
                group: group, topic: topicName, sql: expression.type == .sql, expression: expression.expression)
        } catch {
            return try await finish(Apache_Rocketmq_V2_Status(error))
        }
        guard let topic = facade.topic(topicName) else {
            return try await finish(.code(.topicNotFound, "topic \(topicName) does not exist"))
        }
        // Leave the client time to get the answer before its deadline (long polling + request timeout).
        let polling: Duration =
            request.hasLongPollingTimeout
            ? min(.milliseconds(MessageConverter.millis(request.longPollingTimeout)), .seconds(60)) : .zero
        // Like the Java proxy, a receive pops from every readable queue of this broker, whichever
        // queue of the route the client picked; the start rotates so no queue starves.
        let count = Int(max(1, topic.readQueueNums))
        let start = nextRoundRobin() % count
        let queueIDs = (0..<count).map { Int32((start + $0) % count) }
        let invisibleMillis =
            invisible.components.seconds * 1000 + invisible.components.attoseconds / 1_000_000_000_000_000
        let popped: [PopService.Popped]
        do {
            popped = try await facade.receive(
                PopService.Request(
                    group: group, topic: topicName, queueIDs: queueIDs, filter: filter,
                    maxCount: Int(request.batchSize),
                    invisibleMillis: invisibleMillis, fifo: policy.fifo,
                    pollMillis: polling.components.seconds * 1000 + polling.components.attoseconds
                        / 1_000_000_000_000_000,
                    maxDeliveryAttempts: policy.maxDeliveryAttempts), clientID: CallIdentity.clientID)
        } catch {
            return try await finish(Apache_Rocketmq_V2_Status(error))
        }
        if popped.isEmpty {
            return try await finish(.code(.messageNotFound, "no new message"))
        }
        try await finish(.ok)
        for item in popped {
            var entry = Apache_Rocketmq_V2_ReceiveMessageResponse()
            entry.message = MessageConverter.message(
                item.message, receiptHandle: item.receiptHandle.description, attempt: item.attempt,
                invisibleMillis: invisibleMillis)
            try await response.write(entry)
        }
        var stamp = Apache_Rocketmq_V2_ReceiveMessageResponse()
        stamp.deliveryTimestamp = MessageConverter.timestamp(Int64(Date.now.timeIntervalSince1970 * 1000))
        try await response.write(stamp)
    }

    func ackMessage(
        request: Apache_Rocketmq_V2_AckMessageRequest, context: ServerContext
    ) async throws
        -> Apache_Rocketmq_V2_AckMessageResponse
    {
        var response = Apache_Rocketmq_V2_AckMessageResponse()
        guard !request.entries.isEmpty else {
            response.status = .code(.badRequest, "no entry to acknowledge")
            return response
        }
        var failed: Apache_Rocketmq_V2_Status?
        for entry in request.entries {
            var result = Apache_Rocketmq_V2_AckMessageResultEntry()
            result.messageID = entry.messageID
            result.receiptHandle = entry.receiptHandle
            do {
                try facade.ack(
                    group: request.group.name, topic: request.topic.name, receiptHandle: entry.receiptHandle,
                    clientID: CallIdentity.clientID)
                result.status = .ok
            } catch {
                result.status = Apache_Rocketmq_V2_Status(error)
                failed = failed ?? result.status
            }
            response.entries.append(result)
        }
        if let failed {
            response.status = request.entries.count == 1 ? failed : .code(.multipleResults, "some entries failed")
        } else {
            response.status = .ok
        }
        return response
    }

    func changeInvisibleDuration(
        request: Apache_Rocketmq_V2_ChangeInvisibleDurationRequest, context: ServerContext
    ) async throws -> Apache_Rocketmq_V2_ChangeInvisibleDurationResponse {
        var response = Apache_Rocketmq_V2_ChangeInvisibleDurationResponse()
        response.receiptHandle = request.receiptHandle
        let millis = MessageConverter.millis(request.invisibleDuration)
        guard millis >= 0, millis <= 12 * 3_600_000 else {
            response.status = .code(.illegalInvisibleTime, "the invisible duration \(millis) ms is outside 0…12 h")
            return response
        }
        do {
            response.receiptHandle = try facade.changeInvisibleTime(
                group: request.group.name, topic: request.topic.name, receiptHandle: request.receiptHandle,
                millis: millis, clientID: CallIdentity.clientID)
            response.status = .ok
        } catch {
            response.status = Apache_Rocketmq_V2_Status(error)
        }
        return response
    }

    func forwardMessageToDeadLetterQueue(
        request: Apache_Rocketmq_V2_ForwardMessageToDeadLetterQueueRequest, context: ServerContext
    ) async throws -> Apache_Rocketmq_V2_ForwardMessageToDeadLetterQueueResponse {
        var response = Apache_Rocketmq_V2_ForwardMessageToDeadLetterQueueResponse()
        do {
            try await facade.forwardToDeadLetter(
                group: request.group.name, topic: request.topic.name, receiptHandle: request.receiptHandle,
                clientID: CallIdentity.clientID)
            response.status = .ok
        } catch {
            response.status = Apache_Rocketmq_V2_Status(error)
        }
        return response
    }
}
