import CometCore
import CometProtocol
import CompressNIO
import NIOCore

/// What a pull found, decoded.
struct PullOutcome: Sendable {
    var code: ResponseCode
    var nextBeginOffset: Int64
    var minOffset: Int64
    var maxOffset: Int64
    var messages: [ReceivedMessage]
}

extension ClientInstance {
    /// Pulls from `queue` (reading from a slave when the master is gone) and decodes the messages,
    /// re-checking tags client-side because the broker filters by tag hash only.
    func pull(
        _ queue: MessageQueue, group: String, offset: Int64, maxMessages: Int32, expression: String,
        sysFlag: PullSysFlag, commitOffset: Int64 = 0, suspendMillis: Int64 = 0
    ) async throws(ClientError) -> PullOutcome {
        if readAddress(queue.brokerName) == nil { _ = try await refreshRoute(queue.topic) }
        guard let address = readAddress(queue.brokerName) else {
            throw ClientError(.noRoute, "no address for broker \(queue.brokerName)")
        }
        let header = PullMessageRequestHeader(
            consumerGroup: group, topic: queue.topic, queueId: queue.queueId, queueOffset: offset,
            maxMsgNums: maxMessages, sysFlag: sysFlag, commitOffset: commitOffset, suspendTimeoutMillis: suspendMillis,
            subscription: expression, subVersion: 0, expressionType: "TAG")
        let timeout: Duration = .milliseconds(suspendMillis) + configuration.requestTimeout + .seconds(5)
        let response = try await call(.request(.pullMessage, header: header), broker: address, timeout: timeout)
        switch response.responseCode {
        case .success, .pullNotFound, .pullRetryImmediately, .pullOffsetMoved: break
        default:
            throw ClientError(.brokerError, response.remark ?? "pull failed", responseCode: response.code)
        }
        let responseHeader: PullMessageResponseHeader
        do {
            responseHeader = try response.decodeHeader(PullMessageResponseHeader.self)
        } catch {
            throw ClientError(.brokerError, "invalid pull response: \(error.message)")
        }
        var messages: [ReceivedMessage] = []
        if response.responseCode == .success, let body = response.body {
            let tags = Set(SubscriptionData.parseTags(expression))
            for message in try Self.decode(body, brokerName: queue.brokerName)
            where tags.isEmpty || tags.contains(message.tags ?? "") {
                messages.append(message)
            }
        }
        return PullOutcome(
            code: response.responseCode, nextBeginOffset: responseHeader.nextBeginOffset,
            minOffset: responseHeader.minOffset, maxOffset: responseHeader.maxOffset, messages: messages)
    }

    /// Decodes a pull body: stored records back to back.
    static func decode(_ body: ByteBuffer, brokerName: String) throws(ClientError) -> [ReceivedMessage] {
        var body = body
        var result: [ReceivedMessage] = []
        while body.readableBytes >= 4 {
            let size = Int(body.getInteger(at: body.readerIndex, as: Int32.self)!)
            guard size > 0, let record = body.readSlice(length: size) else {
                throw ClientError(.brokerError, "truncated message in pull response")
            }
            let stored: StoredMessage
            do {
                stored = try record.withUnsafeReadableBytes { raw throws(MessageFormatError) in
                    try StoredMessage.decode(raw)
                }
            } catch {
                throw ClientError(.brokerError, "undecodable message in pull response: \(error)")
            }
            result.append(ReceivedMessage(stored, brokerName: brokerName))
        }
        return result
    }
}

extension ReceivedMessage {
    init(_ stored: StoredMessage, brokerName: String) {
        var body = Array(stored.body.readableBytesView)
        if stored.sysFlag.contains(.compressed) {
            var buffer = stored.body
            if let inflated = try? buffer.decompress(with: .zlib()) { body = Array(inflated.readableBytesView) }
        }
        let offsetId = OffsetMessageID(storeHost: stored.storeHost, commitLogOffset: stored.physicalOffset).description
        self.init(
            topic: stored.topic, body: body, tags: stored.tags, keys: stored.keys, properties: stored.properties,
            flag: stored.flag, messageId: stored.uniqueKey ?? offsetId, offsetMessageId: offsetId,
            queue: MessageQueue(topic: stored.topic, brokerName: brokerName, queueId: stored.queueID),
            queueOffset: stored.queueOffset, commitLogOffset: stored.physicalOffset,
            reconsumeTimes: stored.reconsumeTimes, bornTimestamp: stored.bornTimestamp,
            storeTimestamp: stored.storeTimestamp, storeHost: stored.storeHost.description,
            bornHost: stored.bornHost.description)
    }
}
