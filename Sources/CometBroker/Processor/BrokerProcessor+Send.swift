package import CometCore
import CometProtocol
import CometRemoting
import CometStore
import CompressNIO
import Logging
import NIOCore

extension BrokerProcessor {
    /// What a send request resolved to before anything is stored.
    enum SendStep {
        /// Answer at once (a refusal).
        case answer(RemotingCommand)
        /// Store these messages, then answer with ``SendPlan/response(to:)``.
        case store(SendPlan)
        /// The request would create a topic or group (file writes): run it in a task.
        case needsTask
    }

    /// The messages a send stores and how to answer once they are stored.
    struct SendPlan {
        var request: RemotingCommand
        var queueId: Int32
        var messages: [StoredMessage]
        /// The topic stored to (after retry/DLQ routing), for statistics.
        var topic: String
        /// Body bytes stored, for statistics.
        var bytes: Int
        /// `message_type` of the metrics.
        var messageType: BrokerMetrics.MessageType = .normal

        /// Whether the producer waits for the store (message property `WAIT`, default true): only
        /// then does a SYNC_MASTER wait for a slave.
        var waitsForStore = true

        /// Where the last record ends (what a slave must hold for SYNC_MASTER).
        static func end(of appended: [AppendedMessage]) -> Int64 {
            appended.last.map { $0.physicalOffset + Int64($0.size) } ?? 0
        }

        /// The answer for stored messages. A slave's failure overrides the flush status
        /// (`handlePutMessageResult`): the messages are stored either way, so the header is filled.
        func response(
            messages appended: [AppendedMessage], status: PutMessageStatus,
            replica: ReplicationService.TransferStatus = .ok
        ) -> RemotingCommand {
            guard let first = appended.first else {
                return .response(to: request, code: .messageIllegal, remark: "the batch holds no message")
            }
            let responseHeader = SendMessageResponseHeader(
                msgId: appended.map(\.offsetMessageID.description).joined(separator: ","), queueId: queueId,
                queueOffset: first.queueOffset)
            let code: ResponseCode
            switch replica {
            case .flushSlaveTimeout: code = .flushSlaveTimeout
            case .slaveNotAvailable: code = .slaveNotAvailable
            case .ok: code = status == .flushDiskTimeout ? .flushDiskTimeout : .success
            }
            return .response(to: request, code: code, header: responseHeader)
        }
    }

    /// SEND_MESSAGE, SEND_MESSAGE_V2, SEND_BATCH_MESSAGE (RocketMQ `SendMessageProcessor`).
    func sendMessage(
        _ request: RemotingCommand, connection: RemotingConnection, store: MessageStore
    ) async throws
        -> RemotingCommand
    {
        switch try prepareSend(request, connection: connection, store: store, mayCreate: true) {
        case .answer(let response):
            return response
        case .needsTask:
            return .response(to: request, code: .systemError, remark: "send could not be prepared")
        case .store(let plan):
            let result: PutMessageResult
            let started = ContinuousClock.now
            do {
                result = try await store.putMessages(plan.messages)
            } catch {
                controller.stats.recordPutFailure()
                return .response(to: request, code: Self.responseCode(for: error), remark: error.message)
            }
            let replica = await controller.replication.waitReplicated(
                end: SendPlan.end(of: result.messages), wait: plan.waitsForStore, on: connection.channel.eventLoop)
            recordPut(plan, stored: result.messages.count, since: started)
            return plan.response(messages: result.messages, status: result.status, replica: replica)
        }
    }

    /// A send on the event loop: appends (a memory copy into the mapped log under a short lock)
    /// and answers at once with async flush, or once the group commit has flushed with sync
    /// flush. Sends that would create a topic or group go to a task instead.
    func sendOnEventLoop(
        _ request: RemotingCommand, connection: RemotingConnection, store: MessageStore, responder: RemotingResponder
    ) -> Bool {
        let plan: SendPlan
        do {
            switch try prepareSend(request, connection: connection, store: store, mayCreate: false) {
            case .needsTask: return false
            case .answer(let response):
                responder.respond(response)
                return true
            case .store(let prepared): plan = prepared
            }
        } catch {
            responder.respond(.response(to: request, code: .systemError, remark: "\(error)"))
            return true
        }
        let appended: [AppendedMessage]
        let started = ContinuousClock.now
        do {
            appended = try store.appendMessages(plan.messages)
        } catch {
            controller.stats.recordPutFailure()
            responder.respond(.response(to: request, code: Self.responseCode(for: error), remark: error.message))
            return true
        }
        store.whenFlushed(appended) { [self] outcome in
            switch outcome {
            case .success(let status):
                controller.replication.whenReplicated(
                    end: SendPlan.end(of: appended), wait: plan.waitsForStore, on: connection.channel.eventLoop
                ) { [self] replica in
                    recordPut(plan, stored: appended.count, since: started)
                    responder.respond(plan.response(messages: appended, status: status, replica: replica))
                }
            case .failure(let error):
                controller.stats.recordPutFailure()
                responder.respond(.response(to: request, code: Self.responseCode(for: error), remark: error.message))
            }
        }
        return true
    }

    /// Feeds a stored send to the statistics (count, bytes, time to stored and flushed as configured).
    private func recordPut(_ plan: SendPlan, stored: Int, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        controller.stats.recordPut(
            topic: plan.topic, messages: stored, bytes: plan.bytes,
            latencyMillis: elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        controller.metrics?.recordIn(
            topic: plan.topic, type: plan.messageType, protocolType: .remoting, count: stored, bytes: plan.bytes,
            sizes: plan.messages.lazy.map(\.body.readableBytes))
    }

    /// Everything a send does before storing: header, permissions, topic, queue, properties,
    /// retry/DLQ routing, batch unpacking, delay/timer/transaction routing. With `mayCreate`
    /// false it answers ``SendStep/needsTask`` instead of creating a topic or group.
    func prepareSend(
        _ request: RemotingCommand, connection: RemotingConnection, store: MessageStore, mayCreate: Bool
    ) throws -> SendStep {
        let header = try SendMessageRequestHeader(request: request)
        let configuration = controller.configuration

        guard configuration.brokerPermission.contains(.write) else {
            return .answer(
                .response(
                    to: request, code: .noPermission,
                    remark: "the broker[\(configuration.brokerName)] sending message is forbidden"))
        }
        do {
            try TopicValidator.validate(header.topic)
        } catch {
            return .answer(.response(to: request, code: .messageIllegal, remark: "illegal topic: \(error.message)"))
        }
        if Self.isNotAllowedSendTopic(header.topic) {
            return .answer(
                .response(
                    to: request, code: .noPermission, remark: "sending message to topic[\(header.topic)] is forbidden"))
        }
        guard let body = request.body else {
            return .answer(.response(to: request, code: .messageIllegal, remark: "the message body is empty"))
        }
        guard body.readableBytes <= configuration.store.maxMessageSize else {
            return .answer(
                .response(
                    to: request, code: .messageIllegal,
                    remark:
                        "the message body size \(body.readableBytes) is over the max value \(configuration.store.maxMessageSize)"
                ))
        }

        var topic = header.topic
        // Retry topics (and the dead-letter topics they lead to) may create topics and groups.
        guard mayCreate || !topic.hasPrefix(TopicConfigManager.retryPrefix) else { return .needsTask }
        var topicConfig: TopicConfig
        if let existing = controller.topics.topic(topic) {
            topicConfig = existing
        } else if !mayCreate {
            return .needsTask
        } else if configuration.autoCreateTopicEnable || topic.hasPrefix(TopicConfigManager.retryPrefix),
            let created = try createTopicOnSend(header)
        {
            topicConfig = created
        } else {
            return .answer(
                .response(
                    to: request, code: .topicNotExist,
                    remark: "topic[\(topic)] not exist, apply first please! (auto-creation is off)"))
        }
        guard topicConfig.perm.contains(.write) else {
            return .answer(
                .response(to: request, code: .noPermission, remark: "the topic[\(topic)] sending message is forbidden"))
        }
        var queueId = header.queueId
        if queueId < 0 { queueId = Int32.random(in: 0..<max(1, topicConfig.writeQueueNums)) }
        guard queueId < topicConfig.writeQueueNums else {
            return .answer(
                .response(
                    to: request, code: .systemError,
                    remark:
                        "request queueId[\(queueId)] is illegal, topic \(topic) has \(topicConfig.writeQueueNums) write queues, producer: \(connection.remoteAddress)"
                ))
        }

        var properties = MessageProperties.parse(header.properties ?? "")
        let waitsForStore = properties.removeValue(forKey: MessagePropertyKey.wait) != "false"
        properties[MessagePropertyKey.cluster] = configuration.clusterName
        if properties[MessagePropertyKey.transactionPrepared] == "true", topic.hasPrefix(TopicConfigManager.retryPrefix)
        {
            return .answer(
                .response(to: request, code: .messageIllegal, remark: "a retry message cannot be transactional"))
        }

        // A retry message that failed too often goes to the group's dead-letter topic.
        let reconsumeTimes = header.reconsumeTimes ?? 0
        if topic.hasPrefix(TopicConfigManager.retryPrefix) {
            let group = String(topic.dropFirst(TopicConfigManager.retryPrefix.count))
            let groupConfig = try controller.groups.group(group)
            let maxTimes = header.maxReconsumeTimes ?? groupConfig?.retryMaxTimes ?? 16
            if reconsumeTimes >= maxTimes {
                topic = TopicConfigManager.dlqPrefix + group
                let (dlq, created) = try controller.topics.createIfAbsent(
                    TopicConfig(topicName: topic, readQueueNums: 1, writeQueueNums: 1))
                if created { controller.topicsChanged() }
                topicConfig = dlq
                queueId = 0
            }
        }

        let template = StoredMessage(
            topic: topic, queueID: queueId, body: body, properties: properties, flag: header.flag,
            sysFlag: MessageSysFlag(rawValue: header.sysFlag), bornTimestamp: header.bornTimestamp,
            bornHost: MessageHost(connection: connection), storeHost: store.configuration.storeHost,
            reconsumeTimes: reconsumeTimes)
        let messages: [StoredMessage]
        if request.requestCode == .sendBatchMessage || header.batch == true {
            // maxMessageSize bounds the inflated batch too, not just what arrived on the wire.
            switch Self.unpackBatch(template, maxSize: configuration.store.maxMessageSize) {
            case .success(let unpacked): messages = unpacked
            case .failure(let error):
                return .answer(.response(to: request, code: .messageIllegal, remark: "invalid batch body: \(error)"))
            }
        } else {
            messages = [template]
        }

        // Half, delayed and timer messages are held in system topics until resolved or due.
        let toStore: [StoredMessage]
        do {
            let now = controller.clock.nowMillis()
            toStore = try messages.map { message throws(CometError) in try controller.scheduler.route(message, now: now)
            }
        } catch {
            return .answer(.response(to: request, code: .messageIllegal, remark: error.message))
        }
        // Half, delayed and timer messages were routed to system topics above.
        let routedTopic = toStore.first?.topic ?? topic
        let messageType: BrokerMetrics.MessageType =
            routedTopic == MessageScheduler.halfTopic
            ? .transaction
            : routedTopic != topic ? .delay : properties[MessagePropertyKey.shardingKey] != nil ? .fifo : .normal
        return .store(
            SendPlan(
                request: request, queueId: queueId, messages: toStore, topic: topic,
                bytes: toStore.reduce(0) { $0 + $1.body.readableBytes }, messageType: messageType,
                waitsForStore: waitsForStore))
    }

    /// Topics producers may not write to directly.
    /// Internal topics producers may not send to (RocketMQ `TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET`
    /// plus the default topic): the broker writes them itself, and a forged record there would be
    /// delivered, committed or replayed as if the broker had written it.
    static let systemTopics: Set<String> = [
        TopicConfigManager.defaultTopic, MessageScheduler.scheduleTopic, MessageScheduler.halfTopic,
        MessageScheduler.opTopic, TransactionalMessageService.checkMaxTimeTopic, "OFFSET_MOVED_EVENT",
        "SELF_TEST_TOPIC",
    ]
    /// Prefix of RocketMQ 5.x system topics (`rmq_sys_wheel_timer`, `rmq_sys_REVIVE_LOG_…`).
    static let systemTopicPrefix = "rmq_sys_"

    /// Whether a producer's send to `topic` is refused with NO_PERMISSION.
    static func isNotAllowedSendTopic(_ topic: String) -> Bool {
        systemTopics.contains(topic) || topic.hasPrefix(systemTopicPrefix)
    }

    private func createTopicOnSend(_ header: SendMessageRequestHeader) throws(CometError) -> TopicConfig? {
        let created: TopicConfig?
        if header.topic.hasPrefix(TopicConfigManager.retryPrefix) {
            let group = String(header.topic.dropFirst(TopicConfigManager.retryPrefix.count))
            try controller.ensureRetryTopic(for: group)
            created = controller.topics.topic(header.topic)
        } else {
            created = try controller.topics.createOnSend(
                header.topic, defaultTopic: header.defaultTopic,
                queueNums: header.defaultTopicQueueNums, topicSysFlag: 0)
            if created != nil {
                controller.topicsChanged()
                controller.logger.info(
                    "auto-created topic",
                    metadata: ["topic": "\(header.topic)", "queues": "\(created!.writeQueueNums)"])
            }
        }
        return created
    }

    /// Splits a batch body into individual messages that share the request's topic, queue and
    /// hosts; each keeps its own flag, body and properties.
    /// The C++ client zlib-compresses a whole batch body of 4 KiB or more and flags the request
    /// compressed; such a body is inflated (up to `maxSize`) before it is split.
    static func unpackBatch(_ template: StoredMessage, maxSize: Int) -> Result<[StoredMessage], MessageFormatError> {
        var template = template
        var batchBody = template.body
        if template.sysFlag.contains(.compressed) {
            do {
                batchBody = try batchBody.decompress(with: .zlib(), maxSize: maxSize)
            } catch {
                return .failure(MessageFormatError(.badField, "compressed batch body does not inflate: \(error)"))
            }
            template.sysFlag.remove(.compressed)
        }
        let entries: [BatchMessageEntry]
        do {
            entries = try BatchMessageDecoder.decode(batchBody)
        } catch {
            return .failure(error)
        }
        return .success(
            entries.map { entry in
                var message = template
                message.body = entry.body
                message.flag = entry.flag
                var properties = entry.properties
                properties.removeValue(forKey: MessagePropertyKey.wait)
                properties[MessagePropertyKey.cluster] = template.properties[MessagePropertyKey.cluster]
                message.properties = properties
                return message
            })
    }

    /// Maps a store refusal to the response code RocketMQ clients expect.
    static func responseCode(for error: StoreError) -> ResponseCode { error.responseCode }
}

extension StoreError: ResponseCodeConvertible {
    /// Store failures as RocketMQ's `SendMessageProcessor` answers them.
    package var responseCode: ResponseCode {
        switch code {
        case .messageTooLarge, .propertiesTooLarge, .invalidTopic, .invalidMessage: return .messageIllegal
        case .diskFull, .notRunning, .replicaRole: return .serviceNotAvailable
        default: return .systemError
        }
    }

    package var responseRemark: String { message }
}

extension MessageHost {
    /// The peer address of `connection` as a stored BORNHOST (IPv6 peers are recorded as unspecified).
    init(connection: RemotingConnection) {
        guard let address = connection.channel.remoteAddress, let ip = address.ipAddress,
            let host = MessageHost(ipv4: ip, port: Int32(address.port ?? 0))
        else {
            self = .unspecified
            return
        }
        self = host
    }
}
