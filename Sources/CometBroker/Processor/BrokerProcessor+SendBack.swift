import CometCore
import CometProtocol
import CometRemoting
import CometStore
import Logging
import NIOCore

/// Where a message a consumer failed goes next (RocketMQ `SendMessageProcessor#consumerSendMsgBack`).
package enum SendBackDecision: Sendable, Hashable {
    /// Back on `%RETRY%<group>` after this delay level.
    case retry(delayLevel: Int32)
    /// To `%DLQ%<group>`.
    case deadLetter

    /// Decides from the message's reconsume count so far: the DLQ once it reached `maxReconsumeTimes`
    /// or when the client asks for a negative level; otherwise the requested level, or
    /// `3 + reconsumeTimes` when the client leaves it to the broker (0), capped at the top level.
    package static func decide(
        reconsumeTimes: Int32, requestedDelayLevel: Int32, maxReconsumeTimes: Int32, maxLevel: Int32
    ) -> SendBackDecision {
        if reconsumeTimes >= maxReconsumeTimes || requestedDelayLevel < 0 { return .deadLetter }
        let level = requestedDelayLevel == 0 ? 3 &+ max(0, reconsumeTimes) : requestedDelayLevel
        return .retry(delayLevel: min(max(1, level), maxLevel))
    }
}

extension BrokerProcessor {
    /// Clients older than this send `maxReconsumeTimes` the broker ignores (V3_4_9).
    static let sendBackMaxReconsumeVersion: Int32 = 121

    /// CONSUMER_SEND_MSG_BACK (36): re-queues a failed message on the group's retry topic through
    /// the delay levels, or moves it to the dead-letter topic.
    func consumerSendMsgBack(_ request: RemotingCommand, store: MessageStore) async throws -> RemotingCommand {
        let header = try request.decodeHeader(ConsumerSendMsgBackRequestHeader.self)
        guard let groupConfig = try controller.groups.group(header.group) else {
            return .response(
                to: request, code: .subscriptionGroupNotExist,
                remark: "subscription group [\(header.group)] does not exist")
        }
        guard controller.configuration.brokerPermission.contains(.write) else {
            return .response(
                to: request, code: .noPermission,
                remark: "the broker[\(controller.configuration.brokerName)] sending message is forbidden")
        }
        guard let failed = store.lookMessage(commitLogOffset: header.offset) else {
            return .response(to: request, code: .systemError, remark: "look message by offset failed, \(header.offset)")
        }
        var maxTimes = groupConfig.retryMaxTimes
        if request.version >= Self.sendBackMaxReconsumeVersion, let requested = header.maxReconsumeTimes {
            maxTimes = requested
        }
        let decision = SendBackDecision.decide(
            reconsumeTimes: failed.reconsumeTimes, requestedDelayLevel: header.delayLevel, maxReconsumeTimes: maxTimes,
            maxLevel: controller.scheduler.levels.maxLevel)

        var properties = failed.properties
        if properties[MessagePropertyKey.retryTopic] == nil { properties[MessagePropertyKey.retryTopic] = failed.topic }
        if properties[MessagePropertyKey.originMessageID] == nil {
            // As upstream: the client's id for it, else the stored record's offset message id.
            let originID = header.originMsgId.flatMap { $0.isEmpty ? nil : $0 }
            properties[MessagePropertyKey.originMessageID] =
                originID
                ?? OffsetMessageID(storeHost: failed.storeHost, commitLogOffset: failed.physicalOffset).description
        }
        for key in MessageScheduler.schedulingProperties { properties.removeValue(forKey: key) }
        properties.removeValue(forKey: MessagePropertyKey.transactionPrepared)

        let topic: String
        let queueID: Int32
        switch decision {
        case .deadLetter:
            topic = TopicConfigManager.dlqPrefix + header.group
            let (_, created) = try controller.topics.createIfAbsent(
                TopicConfig(topicName: topic, readQueueNums: 1, writeQueueNums: 1))
            if created { controller.topicsChanged() }
            queueID = 0
        case .retry(let level):
            try controller.ensureRetryTopic(for: header.group)
            topic = TopicConfigManager.retryPrefix + header.group
            let queues = max(1, controller.topics.topic(topic)?.writeQueueNums ?? 1)
            queueID = Int32.random(in: 0..<queues)
            properties[MessagePropertyKey.delayLevel] = String(level)
        }
        var message = StoredMessage(
            topic: topic, queueID: queueID, body: failed.body, properties: properties, flag: failed.flag,
            sysFlag: MessageSysFlag(rawValue: failed.sysFlag.rawValue & ~MessageScheduler.transactionTypeMask),
            bornTimestamp: failed.bornTimestamp, bornHost: failed.bornHost, storeHost: store.configuration.storeHost,
            reconsumeTimes: failed.reconsumeTimes &+ 1)
        message = try controller.scheduler.routeDelayed(message, now: controller.clock.nowMillis())
        do {
            _ = try await store.putMessage(message)
        } catch {
            return .response(to: request, code: Self.responseCode(for: error), remark: error.message)
        }
        controller.stats.recordSendBack(group: header.group, topic: failed.topic)
        controller.logger.debug(
            "message sent back", metadata: ["group": "\(header.group)", "decision": "\(decision)", "to": "\(topic)"])
        return .response(to: request, code: .success)
    }
}
