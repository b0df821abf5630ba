import Synchronization

/// A run of consume-queue units as QUERY_CONSUME_QUEUE shows them.
package struct ConsumeQueueView: Sendable, Hashable {
    /// The queue's first and next offsets.
    package var minOffset: Int64
    package var maxOffset: Int64
    /// Units from the requested index on; `nil` when the index is not stored.
    package var entries: [ConsumeQueueEntry]?
}

extension MessageStore {
    /// Up to `count` units of a queue from `index`, not crossing the end of the segment file that
    /// holds `index` (RocketMQ's `ConsumeQueue.getIndexBuffer` reads one mapped file). `nil` when the
    /// queue does not exist.
    package func consumeQueueView(topic: String, queueID: Int32, index: Int64, count: Int) -> ConsumeQueueView? {
        guard let queue = queues.find(topic, queueID) else { return nil }
        let (low, high) = (queue.minOffset, queue.maxOffset)
        var view = ConsumeQueueView(minOffset: low, maxOffset: high, entries: nil)
        guard index >= low, index < high else { return view }
        let perSegment = Int64(queue.entriesPerSegment)
        let end = min(high, index + Int64(max(0, count)), (index / perSegment + 1) * perSegment)
        var entries: [ConsumeQueueEntry] = []
        var offset = index
        while offset < end, let entry = queue.entry(at: offset) {
            entries.append(entry)
            offset += 1
        }
        view.entries = entries
        return view
    }

    /// Deletes the consume queues of topics not in `keep` (RocketMQ `cleanUnusedTopic`): their
    /// files go and their next queue offsets restart at 0. Commit-log records stay until retention.
    /// Returns the topics removed.
    package func removeConsumeQueues(keeping keep: Set<String>) -> [String] {
        // All under the append lock: no dispatch runs meanwhile, so the writer's cache can go too,
        // and no send can re-create a queue in a directory being deleted.
        let topics: Set<String> = appendLock.withLock { _ in
            var topics: Set<String> = []
            for queue in queues.all where !keep.contains(queue.topic) {
                let key = QueueKey(topic: queue.topic, queueID: queue.queueID)
                writer.queues.removeValue(forKey: key)
                writer.queueOffsets.removeValue(forKey: key)
                queues.remove(key)?.destroy()
                topics.insert(queue.topic)
            }
            for topic in topics { StoreFiles.removeTree(queues.rootDirectory + "/" + topic) }
            return topics
        }
        return topics.sorted()
    }
}
