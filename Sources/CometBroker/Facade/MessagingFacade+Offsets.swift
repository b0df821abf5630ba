package import CometCore
import CometStore

extension MessagingFacade {
    /// The group's committed offset of a queue, if any.
    package func consumerOffset(group: String, topic: String, queueID: Int32) -> Int64? {
        controller.offsets.offset(group: group, topic: topic, queueId: queueID)
    }

    /// Commits the group's offset of a queue.
    package func updateConsumerOffset(group: String, topic: String, queueID: Int32, offset: Int64) throws(Failure) {
        guard let info = self.topic(topic) else { throw Failure(.topicNotFound, "topic \(topic) does not exist") }
        guard queueID >= 0, queueID < info.readQueueNums else {
            throw Failure(.badRequest, "queue \(queueID) of \(topic) does not exist")
        }
        guard offset >= 0 else { throw Failure(.badRequest, "the offset \(offset) is negative") }
        controller.offsets.commit(group: group, topic: topic, queueId: queueID, offset: offset)
    }

    /// Which offset of a queue to look up.
    package enum OffsetPosition: Sendable {
        case beginning, end
        case timestamp(Int64)
    }

    /// A queue's first offset, next offset to be written, or first offset stored at or after a time.
    package func queueOffset(topic: String, queueID: Int32, _ position: OffsetPosition) throws(Failure) -> Int64 {
        let store = try store
        guard let info = self.topic(topic) else { throw Failure(.topicNotFound, "topic \(topic) does not exist") }
        guard queueID >= 0, queueID < max(info.readQueueNums, info.writeQueueNums) else {
            throw Failure(.badRequest, "queue \(queueID) of \(topic) does not exist")
        }
        switch position {
        case .beginning: return store.minOffset(topic: topic, queueID: queueID)
        case .end: return store.maxOffset(topic: topic, queueID: queueID)
        case .timestamp(let time): return store.offset(forTimestamp: time, topic: topic, queueID: queueID)
        }
    }

    /// Messages of a queue from `offset` (pull consumption, no POP state): the matching records
    /// and the offset to pull from next. Waits up to `waitMillis` when nothing is there yet.
    package func pull(
        topic: String, queueID: Int32, offset: Int64, maxCount: Int, filter: PopFilter, waitMillis: Int64
    ) async throws(Failure) -> (messages: [StoredMessage], next: Int64) {
        let store = try store
        guard let info = self.topic(topic) else { throw Failure(.topicNotFound, "topic \(topic) does not exist") }
        guard queueID >= 0, queueID < info.readQueueNums else {
            throw Failure(.badRequest, "queue \(queueID) of \(topic) does not exist")
        }
        let deadline = controller.clock.nowMillis() + max(0, waitMillis)
        while true {
            let version = controller.pop.waiters.version(of: topic)
            let result: GetMessageResult
            do {
                if case .sql(let sql) = filter {
                    result = try await store.getMessages(
                        topic: topic, queueID: queueID, offset: offset, maxCount: maxCount, filter: sql)
                } else {
                    result = try await store.getMessages(
                        topic: topic, queueID: queueID, offset: offset, maxCount: maxCount, tagsCodes: filter.tagsCodes)
                }
            } catch {
                throw Failure(.internalError, error.message)
            }
            var messages: [StoredMessage] = []
            for slice in result.messages {
                guard var message = try? slice.decode() else { continue }
                message.queueOffset = slice.queueOffset
                if filter.accepts(message) { messages.append(message) }
            }
            let next: Int64
            switch result.status {
            case .found, .noMatchedMessage, .messageWasRemoving, .offsetTooSmall, .offsetOverflowBadly:
                next = result.nextBeginOffset
            default:
                next = offset
            }
            if !messages.isEmpty || next != offset || controller.clock.nowMillis() >= deadline || Task.isCancelled
                || controller.pop.waiters.isShutdown
            {
                return (messages, next)
            }
            await controller.pop.waiters.wait(topic: topic, since: version, deadline: deadline)
        }
    }
}
