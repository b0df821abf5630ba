import CometCore
import CometProtocol
import Logging
import NIOCore
import Synchronization

extension PushConsumerCore {
    /// Long-polls one queue and hands what arrives to the handler, until cancelled.
    func pullLoop(_ queue: MessageQueue, from start: Int64) async {
        var offset = start
        let expression = state.withLock { $0.subscriptions[queue.topic]?.subString } ?? "*"
        if options.orderly {
            while !Task.isCancelled, await !lock([queue]).contains(queue) {
                try? await Task.sleep(for: .seconds(1))
            }
        }
        while !Task.isCancelled {
            var flags: PullSysFlag = [.suspend, .subscription]
            if options.model == .clustering && offset > 0 { flags.insert(.commitOffset) }
            do {
                let outcome = try await instance.pull(
                    queue, group: group, offset: offset, maxMessages: options.pullBatchSize, expression: expression,
                    sysFlag: flags, commitOffset: offset,
                    suspendMillis: Int64(options.suspendTimeout.components.seconds) * 1000)
                if outcome.code == .success { await consume(outcome.messages) }
                offset = outcome.nextBeginOffset
                state.withLock { $0.queues[queue]?.offset = offset }
            } catch {
                if Task.isCancelled { break }
                logger.debug("pull failed", metadata: ["queue": "\(queue)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Runs the handler over one pulled batch: concurrently (failures sent back for retry) or,
    /// for orderly consumers, one by one (failures retried in place).
    func consume(_ batch: [ReceivedMessage]) async {
        guard let handler = state.withLock({ $0.handler }) else { return }
        let messages = batch.map(restoringRetryTopic)
        if options.orderly {
            for message in messages {
                var attempt: Int32 = 0
                while await handler(message) == .retryLater {
                    attempt += 1
                    if attempt >= options.maxReconsumeTimes {
                        logger.warning(
                            "orderly message failed too often; skipped", metadata: ["msgId": "\(message.messageId)"])
                        break
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            return
        }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for message in messages {
                if running >= options.consumeConcurrency {
                    await group.next()
                    running -= 1
                }
                running += 1
                group.addTask { await self.consumeOne(message, handler: handler) }
            }
        }
    }

    private func consumeOne(_ message: ReceivedMessage, handler: PushConsumer.Handler) async {
        var current = message
        while await handler(current) == .retryLater {
            // Shutting down: the broker redelivers what was not committed; retrying here would spin,
            // since every call and sleep fails at once under cancellation.
            if Task.isCancelled { return }
            if options.model == .broadcasting {
                logger.warning("broadcast message failed; dropped", metadata: ["msgId": "\(message.messageId)"])
                return
            }
            if await sendBack(current) { return }
            // The broker could not take it back: retry here after a pause.
            try? await Task.sleep(for: .seconds(1))
            current.reconsumeTimes += 1
        }
    }

    /// CONSUMER_SEND_MSG_BACK to the broker that stored the message: it comes back through the
    /// group's retry topic with a growing delay, or goes to the dead-letter queue.
    private func sendBack(_ message: ReceivedMessage) async -> Bool {
        var fields: ExtFields = [
            "group": group, "offset": String(message.commitLogOffset), "delayLevel": "0",
            "originMsgId": message.messageId, "originTopic": message.topic,
            "maxReconsumeTimes": String(options.maxReconsumeTimes), "unitMode": "false",
        ]
        fields["bname"] = message.queue.brokerName
        let request = RemotingCommand(code: RequestCode.consumerSendMsgBack.rawValue, extFields: fields)
        guard let response = try? await instance.call(request, broker: message.storeHost) else { return false }
        return response.responseCode == .success
    }

    /// Messages from the retry topic are shown under their original topic.
    private func restoringRetryTopic(_ message: ReceivedMessage) -> ReceivedMessage {
        guard message.topic == retryTopic, let original = message.properties[MessagePropertyKey.retryTopic] else {
            return message
        }
        var restored = message
        restored.topic = original
        return restored
    }
}
