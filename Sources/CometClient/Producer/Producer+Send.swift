import CometCore
import CometProtocol
import CompressNIO
import Logging
import NIOCore

extension Producer {
    /// One send (single message or batch) with retries on other queues/brokers.
    func send(
        _ messages: [Message], retries: Int, selecting: @Sendable ([MessageQueue], Int) -> MessageQueue
    ) async throws(ClientError) -> SendResult {
        try checkRunning()
        for message in messages { try validate(message) }
        await inFlight.acquire()
        defer { inFlight.release() }
        let topic = messages[0].topic
        var lastError = ClientError(.noRoute, "No route info of this topic: \(topic)")
        var failedBroker: String?
        for attempt in 0...retries {
            var queues = try await publishQueues(topic)
            if let failedBroker, queues.contains(where: { $0.brokerName != failedBroker }) {
                queues.removeAll { $0.brokerName == failedBroker }
            }
            let queue = selecting(queues, attempt)
            guard let address = instance.masterAddress(queue.brokerName) else {
                lastError = ClientError(.noRoute, "no master address for broker \(queue.brokerName)")
                failedBroker = queue.brokerName
                continue
            }
            let (request, uniqueIds) = try buildRequest(messages, queue: queue)
            do {
                let response = try await instance.call(request, broker: address, timeout: options.sendTimeout)
                return try result(of: response, queue: queue, uniqueIds: uniqueIds)
            } catch {
                lastError = error
                switch error.code {
                case .illegalMessage, .invalidArgument, .notRunning: throw error
                default: break
                }
                failedBroker = queue.brokerName
                instance.logger.debug(
                    "send failed; retrying", metadata: ["attempt": "\(attempt)", "broker": "\(address)", "error": "\(error)"])
                _ = try? await instance.refreshRoute(topic)
            }
        }
        throw lastError
    }

    /// Encodes `messages` as SEND_MESSAGE_V2 (one message) or SEND_BATCH_MESSAGE (several).
    func buildRequest(_ messages: [Message], queue: MessageQueue) throws(ClientError) -> (RemotingCommand, [String]) {
        let now = instance.nowMillis()
        var uniqueIds: [String] = []
        var encoded: [(body: [UInt8], flag: Int32, properties: [String: String], sysFlag: MessageSysFlag)] = []
        for message in messages {
            var properties = message.properties
            if let tags = message.tags, !tags.isEmpty { properties[MessagePropertyKey.tags] = tags }
            if !message.keys.isEmpty { properties[MessagePropertyKey.keys] = message.keys.joined(separator: " ") }
            if message.delayLevel > 0 { properties[MessagePropertyKey.delayLevel] = String(message.delayLevel) }
            if let deliverAt = message.deliverAt { properties["TIMER_DELIVER_MS"] = String(deliverAt) }
            let unique = properties[MessagePropertyKey.uniqueKey] ?? ids.next(nowMillis: now)
            properties[MessagePropertyKey.uniqueKey] = unique
            properties[MessagePropertyKey.wait] = "true"
            uniqueIds.append(unique)
            var body = message.body
            var sysFlag: MessageSysFlag = []
            if messages.count == 1 && body.count >= options.compressBodyOver {
                var buffer = ByteBuffer(bytes: body)
                if let compressed = try? buffer.compress(
                    with: .zlib(configuration: .init(compressionLevel: .compressionLevel5)))
                {
                    body = Array(compressed.readableBytesView)
                    sysFlag.insert(.compressed)
                }
            }
            encoded.append((body, message.flag, properties, sysFlag))
        }
        let isBatch = messages.count > 1
        let body: ByteBuffer
        let properties: String?
        if isBatch {
            body = BatchMessageDecoder.encode(
                encoded.map { BatchMessageEntry(flag: $0.flag, body: ByteBuffer(bytes: $0.body), properties: $0.properties) })
            properties = nil
        } else {
            body = ByteBuffer(bytes: encoded[0].body)
            properties = MessageProperties.encode(encoded[0].properties)
        }
        let header = SendMessageRequestHeader(
            producerGroup: group, topic: queue.topic, queueId: queue.queueId,
            sysFlag: isBatch ? 0 : encoded[0].sysFlag.rawValue, bornTimestamp: now,
            flag: isBatch ? 0 : encoded[0].flag, properties: properties, reconsumeTimes: 0, unitMode: false,
            batch: isBatch)
        let request = RemotingCommand(
            code: (isBatch ? RequestCode.sendBatchMessage : .sendMessageV2).rawValue, extFields: header.v2Fields,
            body: body)
        return (request, uniqueIds)
    }

    func validate(_ message: Message) throws(ClientError) {
        guard !message.topic.isEmpty, message.topic.utf8.count <= 127,
            message.topic.utf8.allSatisfy({ b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x25 || b == 0x7C
                    || b == 0x5F || b == 0x2D
            })
        else {
            throw ClientError(.illegalMessage, "topic '\(message.topic)' must match [%|a-zA-Z0-9_-]{1,127}")
        }
        guard !message.body.isEmpty else { throw ClientError(.illegalMessage, "the message body is empty") }
        guard message.body.count <= options.maxMessageSize else {
            throw ClientError(
                .illegalMessage, "the message body is \(message.body.count) bytes, over the maximum \(options.maxMessageSize)")
        }
        guard (0...18).contains(message.delayLevel) else {
            throw ClientError(.illegalMessage, "delay level must be 0…18, got \(message.delayLevel)")
        }
    }

    private func result(of response: RemotingCommand, queue: MessageQueue, uniqueIds: [String]) throws(ClientError)
        -> SendResult
    {
        let status: SendResult.Status
        switch response.responseCode {
        case .success: status = .ok
        case .flushDiskTimeout: status = .flushDiskTimeout
        case .flushSlaveTimeout: status = .flushSlaveTimeout
        case .slaveNotAvailable: status = .slaveNotAvailable
        case .systemBusy, .flowControl:
            throw ClientError(.brokerBusy, response.remark ?? "broker busy", responseCode: response.code)
        case .messageIllegal:
            throw ClientError(.illegalMessage, response.remark ?? "message illegal", responseCode: response.code)
        case .topicNotExist:
            throw ClientError(.noRoute, response.remark ?? "topic does not exist", responseCode: response.code)
        default:
            throw ClientError(.brokerError, response.remark ?? "send failed", responseCode: response.code)
        }
        do {
            let header = try response.decodeHeader(SendMessageResponseHeader.self)
            return SendResult(
                status: status, messageId: uniqueIds.joined(separator: ","), offsetMessageId: header.msgId,
                queue: MessageQueue(topic: queue.topic, brokerName: queue.brokerName, queueId: header.queueId),
                queueOffset: header.queueOffset)
        } catch {
            throw ClientError(.brokerError, "invalid send response: \(error.message)")
        }
    }
}
