import CometCore
import CometProtocol
import Logging
import NIOCore
import Synchronization

extension PushConsumerCore {
    /// Recomputes which queues this consumer owns for every subscribed topic and starts or stops
    /// their pull loops.
    func rebalance() async {
        var topics = state.withLock { Array($0.subscriptions.keys) }
        if options.model == .clustering { topics.append(retryTopic) }
        for topic in topics {
            guard let route = try? await instance.route(topic) else { continue }
            var all: [MessageQueue] = []
            for data in route.queueDatas where data.perm.contains(.read) {
                for id in 0..<data.readQueueNums {
                    all.append(MessageQueue(topic: topic, brokerName: data.brokerName, queueId: id))
                }
            }
            all.sort()
            var mine = all
            if options.model == .clustering {
                guard let ids = await consumerIds(route), !ids.isEmpty else { continue }
                mine = AllocateAveragely.allocate(queues: all, clientIds: ids.sorted(), me: instance.clientId)
            }
            await assign(Set(mine), topic: topic)
        }
    }

    private func consumerIds(_ route: TopicRouteData) async -> [String]? {
        for broker in route.brokerDatas {
            guard let address = broker.masterAddr ?? broker.brokerAddrs.values.first else { continue }
            let request = RemotingCommand.request(
                .getConsumerListByGroup, header: ConsumerGroupHeader(consumerGroup: group))
            guard let response = try? await instance.call(request, broker: address), response.responseCode == .success,
                let list = try? ConsumerListBody(body: response.body)
            else { continue }
            return list.consumerIdList
        }
        return nil
    }

    private func assign(_ mine: Set<MessageQueue>, topic: String) async {
        let current = state.withLock { state in Set(state.queues.keys.filter { $0.topic == topic }) }
        let removed = current.subtracting(mine)
        let added = mine.subtracting(current)
        if !removed.isEmpty {
            let stopped = state.withLock { state in removed.compactMap { state.queues[$0]?.loop } }
            for loop in stopped { await loop.stop() }
            await commitOffsets(only: removed)
            if options.orderly { await unlock(Array(removed)) }
            state.withLock { state in for queue in removed { state.queues.removeValue(forKey: queue) } }
            logger.info("queues released", metadata: ["group": "\(group)", "queues": "\(removed.sorted())"])
        }
        for queue in added.sorted() {
            guard let offset = await startOffset(queue) else { continue }
            guard state.withLock({ $0.queues[queue] == nil }) else { continue }
            if startPullLoop(queue, from: offset, committed: nil) {
                logger.info(
                    "queue assigned", metadata: ["group": "\(group)", "queue": "\(queue)", "offset": "\(offset)"])
            }
        }
    }

    /// Where consumption of a newly owned queue starts: the committed offset, else the
    /// consume-from setting (retry topics from their beginning).
    func startOffset(_ queue: MessageQueue) async -> Int64? {
        guard let address = instance.masterAddress(queue.brokerName) ?? instance.readAddress(queue.brokerName) else {
            return nil
        }
        if options.model == .clustering {
            let query = RemotingCommand.request(
                .queryConsumerOffset,
                header: QueryConsumerOffsetRequestHeader(
                    consumerGroup: group, topic: queue.topic, queueId: queue.queueId))
            guard let response = try? await instance.call(query, broker: address) else { return nil }
            if response.responseCode == .success {
                return try? response.decodeHeader(OffsetResponseHeader.self).value
            }
            guard response.responseCode == .queryNotFound else { return nil }
        }
        if queue.topic == retryTopic { return 0 }
        let queueHeader = TopicQueueRequestHeader(topic: queue.topic, queueId: queue.queueId)
        let request: RemotingCommand
        switch options.consumeFrom {
        case .latest: request = .request(.getMaxOffset, header: queueHeader)
        case .earliest: request = .request(.getMinOffset, header: queueHeader)
        case .timestamp(let time):
            request = .request(
                .searchOffsetByTimestamp,
                header: SearchOffsetRequestHeader(topic: queue.topic, queueId: queue.queueId, timestamp: time))
        }
        guard let response = try? await instance.call(request, broker: address), response.responseCode == .success
        else {
            return nil
        }
        return try? response.decodeHeader(OffsetResponseHeader.self).value
    }

    /// Commits consumed offsets to the brokers (clustering); broadcasting keeps them in memory.
    func commitOffsets(only subset: Set<MessageQueue>? = nil) async {
        guard options.model == .clustering else { return }
        let pending = state.withLock { state in
            state.queues.filter { subset?.contains($0.key) ?? true }.filter { $0.value.committed != $0.value.offset }
                .map { ($0.key, $0.value.offset) }
        }
        for (queue, offset) in pending {
            guard let address = instance.masterAddress(queue.brokerName) else { continue }
            let request = RemotingCommand.request(
                .updateConsumerOffset,
                header: UpdateConsumerOffsetRequestHeader(
                    consumerGroup: group, topic: queue.topic, queueId: queue.queueId, commitOffset: offset))
            if let response = try? await instance.call(request, broker: address), response.responseCode == .success {
                state.withLock { $0.queues[queue]?.committed = offset }
            }
        }
    }

    /// Applies offsets the broker reset (RESET_CONSUMER_CLIENT_OFFSET): each owned queue's pull loop
    /// restarts from the new offset, which is also taken as committed.
    func resetOffsets(_ table: [CometProtocol.MessageQueue: Int64]) async {
        for (wire, offset) in table {
            let queue = MessageQueue(topic: wire.topic, brokerName: wire.brokerName, queueId: wire.queueId)
            guard let old = state.withLock({ $0.queues[queue]?.loop }) else { continue }
            await old.stop()
            guard state.withLock({ $0.queues[queue]?.loop === old }) else { continue }
            _ = startPullLoop(queue, from: offset, committed: offset)
            logger.info("offset reset by the broker", metadata: ["queue": "\(queue)", "offset": "\(offset)"])
        }
    }

    /// Locks queues on their brokers; returns those now held.
    func lock(_ queues: [MessageQueue]) async -> Set<MessageQueue> {
        var locked: Set<MessageQueue> = []
        for (brokerName, group) in Dictionary(grouping: queues, by: \.brokerName) {
            guard let address = instance.masterAddress(brokerName) else { continue }
            let body = LockBatchRequestBody(
                consumerGroup: self.group, clientId: instance.clientId,
                mqSet: group.map {
                    CometProtocol.MessageQueue(topic: $0.topic, brokerName: $0.brokerName, queueId: $0.queueId)
                })
            guard
                let response = try? await instance.call(.request(.lockBatchMQ, body: body.encoded()), broker: address),
                response.responseCode == .success, let granted = try? LockBatchResponseBody(body: response.body)
            else { continue }
            for queue in granted.lockOKMQSet {
                locked.insert(MessageQueue(topic: queue.topic, brokerName: queue.brokerName, queueId: queue.queueId))
            }
        }
        return locked
    }

    func unlock(_ queues: [MessageQueue]) async {
        for (brokerName, group) in Dictionary(grouping: queues, by: \.brokerName) {
            guard let address = instance.masterAddress(brokerName) else { continue }
            let body = LockBatchRequestBody(
                consumerGroup: self.group, clientId: instance.clientId,
                mqSet: group.map {
                    CometProtocol.MessageQueue(topic: $0.topic, brokerName: $0.brokerName, queueId: $0.queueId)
                })
            _ = try? await instance.call(.request(.unlockBatchMQ, body: body.encoded()), broker: address)
        }
    }

    func unlockAll() async { await unlock(assignedQueues) }
}
