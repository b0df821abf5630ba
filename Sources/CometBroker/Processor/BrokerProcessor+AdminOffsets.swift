import CometCore
import CometProtocol
import CometRemoting
import CometStore
import Logging

extension BrokerProcessor {
    /// GET_ALL_CONSUMER_OFFSET (43): the whole offset table, as a slave copies it.
    func allConsumerOffsets(_ request: RemotingCommand) -> RemotingCommand {
        .response(
            to: request,
            body: ConsumerOffsetSerializeWrapper(offsetTable: controller.offsets.table.mapValues { IntKeyedMap($0) })
                .encoded())
    }

    /// GET_ALL_DELAY_OFFSET (45): the delay-level service's progress per level.
    func allDelayOffsets(_ request: RemotingCommand) -> RemotingCommand {
        guard let schedule = controller.schedule else {
            return .response(to: request, code: .systemError, remark: "the delay-level service is not running")
        }
        return .response(
            to: request, body: DelayOffsetSerializeWrapper(offsetTable: IntKeyedMap(schedule.offsetTable)).encoded())
    }

    /// CLONE_GROUP_OFFSET (314): copies `srcGroup`'s offsets on the topic over `destGroup`'s.
    /// Unlike RocketMQ 4.9.8 (which loops over the source's topics but clones the header's topic,
    /// so a blank topic clones nothing), a blank topic clones every topic the source has offsets for.
    func cloneGroupOffset(_ request: RemotingCommand) throws -> RemotingCommand {
        let header = try request.decodeHeader(CloneGroupOffsetRequestHeader.self)
        let topics = header.topic.map { [$0] } ?? controller.offsets.topics(of: header.srcGroup)
        let online = controller.consumers.group(header.srcGroup)
        var cloned: [String] = []
        for topic in topics {
            guard controller.topics.topic(topic) != nil else { continue }
            if !header.offline, let online, !online.subscriptions.isEmpty, online.subscriptions[topic] == nil {
                continue
            }
            controller.offsets.clone(topic: topic, from: header.srcGroup, to: header.destGroup)
            cloned.append(topic)
        }
        controller.logger.info(
            "cloned group offsets",
            metadata: ["from": "\(header.srcGroup)", "to": "\(header.destGroup)", "topics": "\(cloned)"])
        return .response(to: request)
    }

    /// QUERY_CORRECTION_OFFSET (308): per queue, the smallest committed offset over the topic's
    /// groups (other than `filterGroups`, and only values not below the queue's minimum); a queue
    /// where `compareGroup` is behind that gets Long.MAX_VALUE. Unlike RocketMQ, filtering does not
    /// delete the filtered groups' offsets.
    func queryCorrectionOffset(_ request: RemotingCommand, store: MessageStore) throws -> RemotingCommand {
        let header = try request.decodeHeader(QueryCorrectionOffsetHeader.self)
        let filtered = Set((header.filterGroups ?? "").split(separator: ",").map { $0.trimmingCharacters(in: " ") })
        var minimum: [Int32: Int64] = [:]
        for group in controller.offsets.groups(of: header.topic) where !filtered.contains(group) {
            for (queueId, offset) in controller.offsets.offsets(group: group, topic: header.topic)
            where offset >= store.minOffset(topic: header.topic, queueID: queueId) {
                minimum[queueId] = min(minimum[queueId] ?? .max, offset)
            }
        }
        var result = minimum
        for (queueId, offset) in controller.offsets.offsets(group: header.compareGroup, topic: header.topic) {
            if let floor = minimum[queueId], offset < floor { result[queueId] = .max }
        }
        return .response(to: request, body: QueryCorrectionOffsetBody(correctionOffsets: IntKeyedMap(result)).encoded())
    }
}
