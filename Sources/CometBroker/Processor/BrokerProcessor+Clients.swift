import CometCore
import CometProtocol
import CometRemoting
import Logging
import Synchronization

extension BrokerProcessor {
    /// HEART_BEAT (RocketMQ `ClientManageProcessor`): registers the client's producer and consumer
    /// groups, creates each consumer group's retry topic, and tells a group's members to
    /// rebalance when its membership changed.
    ///
    /// A heartbeat may name many new groups: their groups and retry topics are written to disk
    /// once, at the end (``MetadataFile/batched(_:)``), before the answer.
    func heartbeat(_ request: RemotingCommand, connection: RemotingConnection) throws -> RemotingCommand {
        try MetadataFile.batched { try registerHeartbeat(request, connection: connection) }
    }

    private func registerHeartbeat(_ request: RemotingCommand, connection: RemotingConnection) throws -> RemotingCommand
    {
        let data = try HeartbeatData(body: request.body)
        let now = controller.clock.nowMillis()
        for consumer in data.consumers {
            guard let group = try controller.groups.group(consumer.groupName) else {
                return .response(
                    to: request, code: .subscriptionGroupNotExist,
                    remark: "subscription group [\(consumer.groupName)] does not exist and auto-creation is off")
            }
            if consumer.messageModel == .broadcasting && !group.consumeBroadcastEnable {
                return .response(
                    to: request, code: .noPermission,
                    remark: "group \(consumer.groupName) may not consume by broadcasting")
            }
            for subscription in consumer.subscriptions where subscription.expressionType.uppercased() == "SQL92" {
                do {
                    _ = try controller.sqlFilters.filter(
                        group: consumer.groupName, topic: subscription.topic, expression: subscription.subString)
                } catch {
                    return .response(to: request, code: .subscriptionParseFailed, remark: error.message)
                }
            }
            try controller.ensureRetryTopic(for: consumer.groupName)
            let changed = controller.consumers.register(
                consumer, clientId: data.clientID, connection: connection, now: now, language: request.language,
                version: request.version)
            if changed {
                controller.logger.info(
                    "consumer joined",
                    metadata: [
                        "group": "\(consumer.groupName)", "client": "\(data.clientID)",
                        "model": "\(consumer.messageModel.rawValue)",
                    ])
                controller.notifyConsumerIdsChanged(consumer.groupName)
            }
        }
        for group in data.producerGroups {
            controller.producers.register(
                group: group, clientId: data.clientID, connection: connection, now: now, language: request.language,
                version: request.version)
        }
        return .response(to: request)
    }

    /// UNREGISTER_CLIENT: a client leaves its groups (at shutdown).
    func unregisterClient(_ request: RemotingCommand, connection: RemotingConnection) throws -> RemotingCommand {
        let header = try request.decodeHeader(UnregisterClientRequestHeader.self)
        if let group = header.producerGroup { controller.producers.unregister(group: group, connection: connection) }
        if let group = header.consumerGroup, controller.consumers.unregister(group: group, connection: connection) {
            controller.logger.info("consumer left", metadata: ["group": "\(group)", "client": "\(header.clientID)"])
            controller.notifyConsumerIdsChanged(group)
        }
        return .response(to: request)
    }

    /// GET_CONSUMER_LIST_BY_GROUP: the client ids a consumer allocates queues among.
    func consumerList(_ request: RemotingCommand) throws -> RemotingCommand {
        let header = try request.decodeHeader(ConsumerGroupHeader.self)
        guard let ids = controller.consumers.group(header.consumerGroup)?.clientIds, !ids.isEmpty else {
            return .response(
                to: request, code: .systemError, remark: "no consumer for this group, \(header.consumerGroup)")
        }
        return .response(to: request, body: ConsumerListBody(consumerIdList: ids).encoded())
    }

    /// LOCK_BATCH_MQ: orderly consumers lock the queues they consume.
    func lockBatch(_ request: RemotingCommand) throws -> RemotingCommand {
        let body = try LockBatchRequestBody(body: request.body)
        let now = controller.clock.nowMillis()
        let locked = controller.locks.withLock {
            $0.tryLock(group: body.consumerGroup, clientId: body.clientId, queues: body.mqSet, now: now)
        }
        return .response(to: request, body: LockBatchResponseBody(lockOKMQSet: locked).encoded())
    }

    /// UNLOCK_BATCH_MQ.
    func unlockBatch(_ request: RemotingCommand) throws -> RemotingCommand {
        let body = try LockBatchRequestBody(body: request.body)
        controller.locks.withLock { $0.unlock(group: body.consumerGroup, clientId: body.clientId, queues: body.mqSet) }
        return .response(to: request)
    }

    /// GET_CONSUMER_RUNNING_INFO: forwarded to the client, whose answer is returned as-is.
    func consumerRunningInfo(_ request: RemotingCommand) async throws -> RemotingCommand {
        let header = try request.decodeHeader(GetConsumerRunningInfoRequestHeader.self)
        guard let client = controller.consumers.connection(group: header.consumerGroup, clientId: header.clientId)
        else {
            return .response(
                to: request, code: .consumerNotOnline,
                remark: "the consumer <\(header.clientId)> of group <\(header.consumerGroup)> is not online")
        }
        var forwarded = RemotingCommand.request(.getConsumerRunningInfo, header: header)
        forwarded.body = request.body
        do {
            var answer = try await client.invoke(forwarded, timeout: .seconds(5))
            answer.opaque = request.opaque
            return answer
        } catch {
            return .response(to: request, code: .systemError, remark: "the consumer did not answer: \(error)")
        }
    }
}
