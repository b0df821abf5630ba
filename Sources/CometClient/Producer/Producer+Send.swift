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
        let prepared = try prepare(messages)
        await inFlight.acquire()
        defer { inFlight.release() }
        let topic = messages[0].topic
        var lastError = ClientError(.noRoute, "No route info of this topic: \(topic)")
        var failedBroker: String?
        for attempt in 0...retries {
            let publish = try await publishInfo(topic)
            var queues = publish.queues
            if let failedBroker, queues.contains(where: { $0.brokerName != failedBroker }) {
                queues.removeAll { $0.brokerName == failedBroker }
            }
            let queue = selecting(queues, attempt)
            guard let address = publish.masters[queue.brokerName] else {
                lastError = ClientError(.noRoute, "no master address for broker \(queue.brokerName)")
                failedBroker = queue.brokerName
                continue
            }
            do {
                let response = try await instance.call(
                    broker: address, code: prepared.code, timeout: options.sendTimeout,
                    capacity: SendRequestEncoder.estimatedSize(prepared)
                ) { opaque, buffer in
                    SendRequestEncoder.encode(
                        prepared, group: group, queue: queue, opaque: opaque, oneway: false, into: &buffer)
                }
                return try result(of: response, queue: queue, messageId: prepared.messageId)
            } catch {
                lastError = error
                switch error.code {
                case .illegalMessage, .invalidArgument, .notRunning: throw error
                default: break
                }
                failedBroker = queue.brokerName
                instance.logger.debug(
                    "send failed; retrying",
                    metadata: ["attempt": "\(attempt)", "broker": "\(address)", "error": "\(error)"])
                _ = try? await instance.refreshRoute(topic)
            }
        }
        throw lastError
    }

    /// Assigns unique ids (a `UNIQ_KEY` property given by the caller is kept) and compresses a
    /// single large body, once for every attempt.
    func prepare(_ messages: [Message]) throws(ClientError) -> PreparedSend {
        let now = instance.nowMillis()
        var uniqueIds: [String] = []
        uniqueIds.reserveCapacity(messages.count)
        for message in messages {
            let unique = message.properties[MessagePropertyKey.uniqueKey] ?? ids.next(nowMillis: now)
            uniqueIds.append(unique)
        }
        var prepared = PreparedSend(messages: messages, uniqueIds: uniqueIds, compressedBody: nil, bornTimestamp: now)
        if messages.count == 1 && messages[0].body.count >= options.compressBodyOver {
            var buffer = ByteBuffer(bytes: messages[0].body)
            if let compressed = try? buffer.compress(
                with: .zlib(configuration: .init(compressionLevel: .compressionLevel5)))
            {
                prepared.compressedBody = compressed
            }
        }
        if messages.count > 1 {
            // A batch entry's properties carry an int16 length.
            for (message, unique) in zip(messages, uniqueIds)
            where SendRequestEncoder.propertiesLength(of: message, uniqueId: unique)
                > MessageProperties.maxEncodedLength
            {
                throw ClientError(
                    .illegalMessage,
                    "the properties of a message in the batch exceed \(MessageProperties.maxEncodedLength) bytes")
            }
        }
        return prepared
    }

    func validate(_ message: Message) throws(ClientError) {
        guard !message.topic.isEmpty, message.topic.utf8.count <= 127,
            message.topic.utf8.allSatisfy({ b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x25
                    || b == 0x7C
                    || b == 0x5F || b == 0x2D
            })
        else {
            throw ClientError(.illegalMessage, "topic '\(message.topic)' must match [%|a-zA-Z0-9_-]{1,127}")
        }
        guard !message.body.isEmpty else { throw ClientError(.illegalMessage, "the message body is empty") }
        guard message.body.count <= options.maxMessageSize else {
            throw ClientError(
                .illegalMessage,
                "the message body is \(message.body.count) bytes, over the maximum \(options.maxMessageSize)")
        }
        guard (0...18).contains(message.delayLevel) else {
            throw ClientError(.illegalMessage, "delay level must be 0…18, got \(message.delayLevel)")
        }
    }

    private func result(
        of response: RemotingCommand, queue: MessageQueue, messageId: String
    ) throws(ClientError)
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
                status: status, messageId: messageId, offsetMessageId: header.msgId,
                queue: MessageQueue(topic: queue.topic, brokerName: queue.brokerName, queueId: header.queueId),
                queueOffset: header.queueOffset)
        } catch {
            throw ClientError(.brokerError, "invalid send response: \(error.message)")
        }
    }
}
