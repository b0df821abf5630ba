package import CometClient
import CometCore
import CometProtocol

/// A message in a group's dead-letter queue.
package struct DeadLetter: Codable, Sendable, Hashable {
    package var messageId: String
    package var originalTopic: String
    package var reconsumeTimes: Int32
    package var queueOffset: Int64
    package var tags: String?
    package var keys: [String]
    package var body: String
}

extension Admin {
    /// The group that records how far dead letters were re-sent, so a second run sends no duplicate.
    static let resendGroup = "comet-admin-dlq-resend"

    /// Properties the broker adds while retrying; a re-sent message starts clean.
    static let retryProperties: Set<String> = [
        MessagePropertyKey.retryTopic, MessagePropertyKey.originMessageID, MessagePropertyKey.reconsumeTime,
        MessagePropertyKey.maxReconsumeTimes, MessagePropertyKey.realTopic, MessagePropertyKey.realQueueID,
        MessagePropertyKey.delayLevel, MessagePropertyKey.cluster, MessagePropertyKey.uniqueKey, "WAIT",
    ]

    /// Every message in `%DLQ%<group>` (up to `limit`).
    package func deadLetters(of group: String, limit: Int = 1000) async throws(ClientError) -> [DeadLetter] {
        try await readDeadLetters(of: group, from: nil, limit: limit).messages.map { message in
            DeadLetter(
                messageId: message.messageId,
                originalTopic: message.properties[MessagePropertyKey.retryTopic] ?? message.topic,
                reconsumeTimes: message.reconsumeTimes, queueOffset: message.queueOffset, tags: message.tags,
                keys: message.keys, body: message.text)
        }
    }

    /// Sends the dead letters of `group` not re-sent before back to their original topics
    /// (`RETRY_TOPIC`), then records the progress. Returns how many were sent.
    package func resendDeadLetters(
        of group: String, configuration: ClientConfiguration, limit: Int = 10_000
    )
        async throws(ClientError) -> Int
    {
        let (messages, end, queue) = try await readDeadLetters(of: group, from: Self.resendGroup, limit: limit)
        guard let queue, !messages.isEmpty else { return 0 }
        let producer = Producer(group: Self.resendGroup, configuration: configuration)
        try await producer.start()
        do throws(ClientError) {
            for message in messages {
                let topic = message.properties[MessagePropertyKey.retryTopic] ?? message.topic
                var properties = message.properties
                for key in Self.retryProperties { properties.removeValue(forKey: key) }
                properties.removeValue(forKey: MessagePropertyKey.tags)
                properties.removeValue(forKey: MessagePropertyKey.keys)
                _ = try await producer.send(
                    Message(
                        topic: topic, body: message.body, tags: message.tags, keys: message.keys, properties: properties
                    ))
            }
        } catch {
            await producer.shutdown()
            throw error
        }
        await producer.shutdown()
        try await commit(group: Self.resendGroup, queue: queue, offset: end)
        return messages.count
    }

    private func readDeadLetters(
        of group: String, from progressGroup: String?, limit: Int
    ) async throws(ClientError)
        -> (messages: [ReceivedMessage], end: Int64, queue: CometClient.MessageQueue?)
    {
        let topic = "%DLQ%" + group
        guard let route = try await channel.route(topic), let data = route.queueDatas.first else { return ([], 0, nil) }
        let queue = CometClient.MessageQueue(topic: topic, brokerName: data.brokerName, queueId: 0)
        var offset = try await startOffset(queue, progressGroup: progressGroup)
        var messages: [ReceivedMessage] = []
        while messages.count < limit {
            let (batch, next) = try await channel.pull(queue, group: progressGroup ?? Self.resendGroup, offset: offset)
            if batch.isEmpty && next <= offset { break }
            messages += batch
            offset = next
        }
        return (Array(messages.prefix(limit)), offset, queue)
    }
}
