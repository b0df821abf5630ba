import CometCore
import CometProtocol
import CompressNIO
import NIOCore
import Synchronization

/// What a pull found, decoded.
struct PullOutcome: Sendable {
    var code: ResponseCode
    var nextBeginOffset: Int64
    var minOffset: Int64
    var maxOffset: Int64
    var messages: [ReceivedMessage]
}

extension ClientInstance {
    /// Pulls from `queue` — from the broker the last answer suggested (a slave while the consumer is
    /// far behind), or a slave when the master is gone — and decodes the messages,
    /// re-checking tags client-side because the broker filters by tag hash only.
    func pull(
        _ queue: MessageQueue, group: String, offset: Int64, maxMessages: Int32, expression: String,
        sysFlag: PullSysFlag, commitOffset: Int64 = 0, suspendMillis: Int64 = 0
    ) async throws(ClientError) -> PullOutcome {
        let suggested = pullFromBroker.withLock { $0[queue] ?? 0 }
        if subscribeAddress(queue.brokerName, brokerId: suggested) == nil { _ = try await refreshRoute(queue.topic) }
        guard let (address, brokerId) = subscribeAddress(queue.brokerName, brokerId: suggested) else {
            throw ClientError(.noRoute, "no address for broker \(queue.brokerName)")
        }
        var sysFlag = sysFlag
        // A slave never takes the offset a pull carries: commit it to the master instead (upstream clears the flag).
        if brokerId != 0 { sysFlag.remove(.commitOffset) }
        let header = PullMessageRequestHeader(
            consumerGroup: group, topic: queue.topic, queueId: queue.queueId, queueOffset: offset,
            maxMsgNums: maxMessages, sysFlag: sysFlag, commitOffset: commitOffset, suspendTimeoutMillis: suspendMillis,
            subscription: expression, subVersion: 0, expressionType: "TAG")
        let timeout: Duration = .milliseconds(suspendMillis) + configuration.requestTimeout + .seconds(5)
        let response: RemotingCommand
        do {
            response = try await call(.request(.pullMessage, header: header), broker: address, timeout: timeout)
        } catch {
            // The suggested broker may be gone: the next pull starts from the master again.
            pullFromBroker.withLock { $0[queue] = nil }
            throw error
        }
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
        pullFromBroker.withLock { $0[queue] = responseHeader.suggestWhichBrokerId }
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

    /// Decodes a pull body: stored records back to back, read in place (no intermediate
    /// record or body buffer); host texts are formatted once per batch, not per message.
    static func decode(_ body: ByteBuffer, brokerName: String) throws(ClientError) -> [ReceivedMessage] {
        let result = body.withUnsafeReadableBytes { raw in
            Result { () throws(ClientError) -> [ReceivedMessage] in
                var hosts = HostTexts()
                var messages: [ReceivedMessage] = []
                var position = 0
                while raw.count - position >= 4 {
                    let record = UnsafeRawBufferPointer(rebasing: raw[position...])
                    let header: StoredMessageHeader
                    do {
                        header = try StoredMessageHeader.parse(record, verifyCRC: false)
                    } catch {
                        throw ClientError(.brokerError, "undecodable message in pull response: \(error)")
                    }
                    messages.append(ReceivedMessage(header, record: record, brokerName: brokerName, hosts: &hosts))
                    position += header.totalSize
                }
                return messages
            }
        }
        return try result.get()
    }
}

/// The `ip:port` texts of the last store and born hosts seen: a pull batch comes from one broker
/// and usually from few producers.
struct HostTexts {
    private var store: (MessageHost, String)?
    private var born: (MessageHost, String)?

    mutating func storeText(_ host: MessageHost) -> String { Self.text(host, &store) }
    mutating func bornText(_ host: MessageHost) -> String { Self.text(host, &born) }

    private static func text(_ host: MessageHost, _ memo: inout (MessageHost, String)?) -> String {
        if let memo, memo.0 == host { return memo.1 }
        let text = host.description
        memo = (host, text)
        return text
    }
}

extension ReceivedMessage {
    /// The message of one stored record (`record` starts at it).
    init(_ header: StoredMessageHeader, record: UnsafeRawBufferPointer, brokerName: String, hosts: inout HostTexts) {
        var body = Array(record[header.bodyRange])
        if header.sysFlag.contains(.compressed) {
            var buffer = ByteBuffer(bytes: body)
            if let inflated = try? buffer.decompress(with: .zlib()) { body = Array(inflated.readableBytesView) }
        }
        let properties = MessageProperties.parse(header.propertiesString(in: record))
        let storeHost = hosts.storeText(header.storeHost)
        let offsetId = OffsetMessageID(storeHost: header.storeHost, commitLogOffset: header.physicalOffset).description
        self.init(
            topic: header.topic, body: body, tags: properties[MessagePropertyKey.tags],
            keys: MessageProperties.splitKeys(properties[MessagePropertyKey.keys]), properties: properties,
            flag: header.flag, messageId: properties[MessagePropertyKey.uniqueKey] ?? offsetId,
            offsetMessageId: offsetId,
            queue: MessageQueue(topic: header.topic, brokerName: brokerName, queueId: header.queueID),
            queueOffset: header.queueOffset, commitLogOffset: header.physicalOffset,
            reconsumeTimes: header.reconsumeTimes, bornTimestamp: header.bornTimestamp,
            storeTimestamp: header.storeTimestamp, storeHost: storeHost, bornHost: hosts.bornText(header.bornHost))
    }
}
