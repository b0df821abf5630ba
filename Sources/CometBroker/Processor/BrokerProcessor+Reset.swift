import CometCore
import CometProtocol
import CometRemoting
import CometStore
import Logging

extension BrokerProcessor {
    /// INVOKE_BROKER_TO_RESET_OFFSET (RocketMQ `Broker2Client#resetOffset`): "message
    /// retroactivity". For each queue of the topic the target is the first offset stored at or
    /// after `timestamp` (-1: the queue's max offset), or the explicit `offset` for the header's
    /// `queueId`; it replaces the committed offset when `isForce` or when it lies before it. The
    /// broker commits the new offsets itself (so an offline group restarts from there) and tells
    /// live members with RESET_CONSUMER_CLIENT_OFFSET (oneway; list-shaped body for CPP clients,
    /// the Java map form otherwise). The answer carries the offset table.
    func resetOffset(_ request: RemotingCommand, store: MessageStore) throws -> RemotingCommand {
        let header = try request.decodeHeader(ResetOffsetRequestHeader.self)
        guard let topicConfig = controller.topics.topic(header.topic) else {
            return .response(
                to: request, code: .systemError,
                remark: "[reset-offset] reset offset failed, no topic in this broker. topic=\(header.topic)")
        }
        let committed = controller.offsets.offsets(group: header.group, topic: header.topic)
        let live = controller.consumers.group(header.group)
        guard !committed.isEmpty || live != nil else {
            return .response(to: request, code: .systemError, remark: "The consumer group <\(header.group)> not exist")
        }
        let brokerName = controller.configuration.brokerName
        var table: [MessageQueue: Int64] = [:]
        let queueIds: [Int32]
        if let queueId = header.queueId, queueId >= 0, header.offset != nil {
            guard queueId < max(topicConfig.readQueueNums, topicConfig.writeQueueNums) else {
                return .response(
                    to: request, code: .systemError, remark: "queueId[\(queueId)] is illegal for \(header.topic)")
            }
            queueIds = [queueId]
        } else {
            queueIds = Array(0..<Int32(max(0, topicConfig.writeQueueNums)))
        }
        for queueId in queueIds {
            let minOffset = store.minOffset(topic: header.topic, queueID: queueId)
            let maxOffset = store.maxOffset(topic: header.topic, queueID: queueId)
            var target: Int64
            if let explicit = header.offset, header.queueId != nil {
                target = min(max(explicit, minOffset), maxOffset)
            } else if header.timestamp == -1 {
                target = maxOffset
            } else {
                target = store.offset(forTimestamp: header.timestamp, topic: header.topic, queueID: queueId)
            }
            if target < 0 { target = 0 }
            let current = committed[queueId]
            let offset = header.isForce || current == nil || target < current! ? target : current!
            table[MessageQueue(topic: header.topic, brokerName: brokerName, queueId: queueId)] = offset
            controller.offsets.commit(group: header.group, topic: header.topic, queueId: queueId, offset: offset)
        }
        let body = ResetOffsetBody(offsetTable: table)
        if let live {
            let notice = ResetOffsetRequestHeader(
                topic: header.topic, group: header.group, timestamp: header.timestamp, isForce: header.isForce)
            for channel in live.channels.values {
                var command = RemotingCommand.request(.resetConsumerClientOffset, header: notice, oneway: true)
                // Only Java clients parse fastjson's object-keyed map; C++ and Comet clients read the list.
                command.body = channel.language == .java ? body.encodedMap() : body.encodedList()
                channel.connection.write(command)
            }
        }
        controller.logger.info(
            "reset consumer offsets",
            metadata: [
                "group": "\(header.group)", "topic": "\(header.topic)", "timestamp": "\(header.timestamp)",
                "force": "\(header.isForce)", "queues": "\(table.count)", "notified": "\(live?.channels.count ?? 0)",
            ])
        return .response(to: request, body: request.language == .cpp ? body.encodedList() : body.encodedMap())
    }
}
