package import CometClient
import CometCore
import CometProtocol
import NIOCore

/// A stored message as the message commands print it.
package struct MessageView: Codable, Sendable, Hashable {
    package var topic: String
    /// The broker that stores it, when known.
    package var brokerName: String?
    package var queueId: Int32
    package var queueOffset: Int64
    package var commitLogOffset: Int64
    /// The broker's id for the record (store host and commit-log offset).
    package var offsetMessageId: String
    /// The producer's id (`UNIQ_KEY`), if it set one.
    package var uniqueKey: String?
    package var tags: String?
    package var keys: [String]
    package var bornTimestamp: Int64
    package var storeTimestamp: Int64
    package var bornHost: String
    package var storeHost: String
    package var reconsumeTimes: Int32
    package var properties: [String: String]
    /// The body as UTF-8 text (invalid bytes replaced).
    package var body: String

    init(_ message: ReceivedMessage) {
        topic = message.topic
        brokerName = message.queue.brokerName
        queueId = message.queue.queueId
        queueOffset = message.queueOffset
        commitLogOffset = message.commitLogOffset
        offsetMessageId = message.offsetMessageId
        uniqueKey = message.properties[MessagePropertyKey.uniqueKey]
        tags = message.tags
        keys = message.keys
        bornTimestamp = message.bornTimestamp
        storeTimestamp = message.storeTimestamp
        bornHost = message.bornHost
        storeHost = message.storeHost
        reconsumeTimes = message.reconsumeTimes
        properties = message.properties
        body = message.text
    }

    init(_ message: StoredMessage, brokerName: String?) {
        topic = message.topic
        self.brokerName = brokerName
        queueId = message.queueID
        queueOffset = message.queueOffset
        commitLogOffset = message.physicalOffset
        offsetMessageId =
            OffsetMessageID(storeHost: message.storeHost, commitLogOffset: message.physicalOffset)
            .description
        uniqueKey = message.properties[MessagePropertyKey.uniqueKey]
        tags = message.properties[MessagePropertyKey.tags]
        keys = (message.properties[MessagePropertyKey.keys] ?? "").split(separator: " ").map(String.init)
        bornTimestamp = message.bornTimestamp
        storeTimestamp = message.storeTimestamp
        bornHost = message.bornHost.description
        storeHost = message.storeHost.description
        reconsumeTimes = message.reconsumeTimes
        properties = message.properties
        body = String(decoding: message.body.readableBytesView, as: UTF8.self)
    }
}

extension Admin {
    /// The message an offset message id names, read from the broker the id points at
    /// (`mqadmin queryMsgById`).
    package func message(offsetMessageId id: String) async throws(ClientError) -> MessageView {
        guard let parsed = OffsetMessageID(id) else {
            throw ClientError(.invalidArgument, "\(id) is not an offset message id (32 or 56 hex digits)")
        }
        let address = parsed.storeHost.description
        let response = try await callChecked(
            .request(.viewMessageById, header: ViewMessageRequestHeader(offset: parsed.commitLogOffset)),
            broker: address)
        guard let message = try storedMessages(response, from: address).first else {
            throw ClientError(.brokerError, "broker \(address) returned no message for \(id)")
        }
        return MessageView(message, brokerName: nil)
    }

    /// Messages of `topic` whose key (or, with `uniqueKey`, whose producer id) is `key`, stored
    /// between the two times (ms), from every master serving the topic (`mqadmin queryMsgByKey`,
    /// `queryMsgByUniqueKey`).
    package func messages(
        topic: String, key: String, uniqueKey: Bool, maxCount: Int32 = 64, begin: Int64 = 0, end: Int64 = .max
    ) async throws(ClientError) -> [MessageView] {
        guard let route = try await channel.route(topic) else {
            throw ClientError(.noRoute, "No route info of this topic: \(topic)")
        }
        var result: [MessageView] = []
        for broker in route.brokerDatas.sorted(by: { $0.brokerName < $1.brokerName }) {
            guard let address = broker.masterAddr else { continue }
            var request = RemotingCommand.request(
                .queryMessage,
                header: QueryMessageRequestHeader(
                    topic: topic, key: key, maxNum: maxCount, beginTimestamp: begin, endTimestamp: end))
            if uniqueKey { request.extFields[QueryMessageRequestHeader.uniqueKeyQueryFlag] = "true" }
            let response = try await channel.call(request, broker: address)
            if response.responseCode == .queryNotFound { continue }
            try check(response, broker: address, request: request)
            result += try storedMessages(response, from: address).map { MessageView($0, brokerName: broker.brokerName) }
        }
        return result.sorted { ($0.storeTimestamp, $0.commitLogOffset) < ($1.storeTimestamp, $1.commitLogOffset) }
    }

    /// Up to `count` messages of one queue from `offset` on (`mqadmin queryMsgByOffset`,
    /// `consumeMessage`, `printMsg`); fewer when the queue ends first.
    package func messages(
        in queue: CometClient.MessageQueue, from offset: Int64, count: Int
    ) async throws(ClientError) -> [MessageView] {
        var result: [MessageView] = []
        var next = offset
        while result.count < count {
            let (batch, following) = try await channel.pull(
                queue, group: "TOOLS_CONSUMER", offset: next, maxMessages: Int32(min(32, count - result.count)))
            if batch.isEmpty && following <= next { break }
            result += batch.map(MessageView.init)
            next = following
        }
        return Array(result.prefix(count))
    }

    /// The queues of `topic` with their offset ranges (every queue, or one broker's).
    package func queues(of topic: String, brokerName: String? = nil) async throws(ClientError) -> [QueueStatus] {
        try await topicStatus(topic).filter { brokerName == nil || $0.brokerName == brokerName }
    }

    private func storedMessages(
        _ response: RemotingCommand, from address: String
    ) throws(ClientError)
        -> [StoredMessage]
    {
        guard let body = response.body else { return [] }
        do {
            return try StoredMessage.decodeAll(body)
        } catch {
            throw ClientError(.brokerError, "broker \(address) sent an undecodable message: \(error)")
        }
    }

    func check(_ response: RemotingCommand, broker address: String, request: RemotingCommand) throws(ClientError) {
        guard response.responseCode == .success else {
            throw ClientError(
                .brokerError,
                "broker \(address) answered \(request.requestCode) with \(response.responseCode)(\(response.code))"
                    + (response.remark.map { ": \($0)" } ?? ""),
                responseCode: response.code)
        }
    }
}
