import CometCore
import CometProtocol
import CometRemoting
import CompressNIO
import Foundation
import NIOCore

extension Producer {
    /// Sends `message` as a request and waits up to `timeout` for its reply (RocketMQ
    /// request-reply, `DefaultMQProducer.request`).
    ///
    /// The message carries a fresh `CORRELATION_ID`, this client's id as `REPLY_TO_CLIENT` and the
    /// timeout as `TTL`. A consumer of the topic answers with ``reply(to:body:properties:)``; the
    /// broker pushes that reply straight to this client.
    ///
    /// ```swift
    /// let answer = try await producer.request(Message(topic: "Prices", text: "AAPL"), timeout: .seconds(3))
    /// print(answer.text)
    /// ```
    public func request(_ message: Message, timeout: Duration) async throws(ClientError) -> ReceivedMessage {
        try checkRunning()
        guard timeout > .zero else { throw ClientError(.invalidArgument, "the request timeout must be positive") }
        var message = message
        let correlationID = UUID().uuidString
        let millis = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        message.properties[MessagePropertyKey.correlationID] = correlationID
        message.properties[MessagePropertyKey.replyToClient] = instance.clientId
        message.properties[MessagePropertyKey.ttl] = String(millis)
        // The broker finds the requester among its producers: make sure it has our heartbeat.
        if let route = try await instance.route(message.topic) {
            for broker in route.brokerDatas { await instance.ensureHeartbeat(broker.masterAddr) }
        }
        let waiter = replies.register(correlationID)
        defer { replies.remove(correlationID) }
        _ = try await send(message)
        guard let reply = await waiter.value(timeout: timeout) else {
            throw ClientError(.timeout, "no reply to request \(correlationID) on \(message.topic) within \(timeout)")
        }
        return reply
    }

    /// Answers a request received by a consumer: sends `body` to the cluster's reply topic with
    /// the request's correlation properties, and the broker pushes it to the requester. Fails with
    /// the broker's remark when the requester is gone.
    public func reply(
        to request: ReceivedMessage, body: [UInt8], properties: [String: String] = [:]
    )
        async throws(ClientError) -> SendResult
    {
        guard let cluster = request.properties[MessagePropertyKey.cluster],
            let correlationID = request.properties[MessagePropertyKey.correlationID],
            let requester = request.properties[MessagePropertyKey.replyToClient]
        else {
            throw ClientError(
                .invalidArgument, "the message is not a request (no CLUSTER, CORRELATION_ID or REPLY_TO_CLIENT)")
        }
        var reply = Message(topic: cluster + "_REPLY_TOPIC", body: body, properties: properties)
        reply.properties[MessagePropertyKey.messageType] = "reply"
        reply.properties[MessagePropertyKey.correlationID] = correlationID
        reply.properties[MessagePropertyKey.replyToClient] = requester
        if let ttl = request.properties[MessagePropertyKey.ttl] { reply.properties[MessagePropertyKey.ttl] = ttl }
        // Not retried: a failed push already reached the broker, and the requester would get it twice.
        return try await send([reply], retries: 0) { queues, _ in queues[Int.random(in: 0..<queues.count)] }
    }
}

extension ReplyTable {
    /// Answers PUSH_REPLY_MESSAGE_TO_CLIENT: decodes the reply and hands it to its request.
    func handlePush(_ request: RemotingCommand, arrivedAt now: Int64) -> RemotingCommand {
        do {
            let header = try request.decodeHeader(ReplyMessageRequestHeader.self)
            var body = request.body.map { Array($0.readableBytesView) } ?? []
            let sysFlag = MessageSysFlag(rawValue: header.sysFlag)
            if sysFlag.contains(.compressed), var buffer = request.body {
                body = Array(try buffer.decompress(with: .zlib(), maxSize: 64 * 1024 * 1024).readableBytesView)
            }
            var properties = MessageProperties.parse(header.properties ?? "")
            properties[MessagePropertyKey.arriveTime] = String(now)
            let reply = ReceivedMessage(
                topic: header.topic, body: body, tags: properties[MessagePropertyKey.tags],
                keys: properties[MessagePropertyKey.keys].map { $0.split(separator: " ").map(String.init) } ?? [],
                properties: properties, flag: header.flag,
                messageId: properties[MessagePropertyKey.uniqueKey] ?? "", offsetMessageId: "",
                queue: MessageQueue(topic: header.topic, brokerName: "", queueId: header.queueId), queueOffset: 0,
                commitLogOffset: 0, reconsumeTimes: header.reconsumeTimes ?? 0, bornTimestamp: header.bornTimestamp,
                storeTimestamp: header.storeTimestamp, storeHost: header.storeHost, bornHost: header.bornHost)
            _ = deliver(reply)
            return .response(to: request)
        } catch {
            return .response(to: request, code: .systemError, remark: "process reply message fail")
        }
    }
}
