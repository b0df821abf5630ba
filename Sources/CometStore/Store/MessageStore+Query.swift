package import CometCore

extension MessageStore {
    /// Messages of `topic` whose KEYS contain `key`, stored within `begin...end` (epoch ms),
    /// newest first, at most `maxCount`. Candidates from the index are verified against the
    /// record, so hash collisions and stale index entries never leak.
    package func queryMessages(
        topic: String, key: String, maxCount: Int = 32, begin: Int64 = 0, end: Int64 = Int64.max
    ) async throws(StoreError) -> [StoredMessage] {
        try await onReaderThread {
            self.query(topic: topic, key: key, maxCount: maxCount, begin: begin, end: end) { message in
                message.keys.contains(key)
            }
        }
    }

    /// Messages of `topic` whose UNIQ_KEY equals `uniqueKey` (retries may share one), newest first.
    package func queryMessages(
        topic: String, uniqueKey: String, maxCount: Int = 32, begin: Int64 = 0, end: Int64 = Int64.max
    ) async throws(StoreError) -> [StoredMessage] {
        try await onReaderThread {
            self.query(topic: topic, key: uniqueKey, maxCount: maxCount, begin: begin, end: end) { message in
                message.uniqueKey == uniqueKey
            }
        }
    }

    private func query(
        topic: String, key: String, maxCount: Int, begin: Int64, end: Int64, matches: (StoredMessage) -> Bool
    ) -> [StoredMessage] {
        guard configuration.indexEnabled, maxCount > 0 else { return [] }
        let candidates = index.lookup(topic: topic, key: key, begin: begin, end: end, limit: maxCount * 4)
        var result: [StoredMessage] = []
        for offset in candidates where result.count < maxCount {
            guard let message = lookMessage(commitLogOffset: offset), message.topic == topic,
                message.storeTimestamp >= begin, message.storeTimestamp <= end, matches(message)
            else { continue }
            result.append(message)
        }
        return result
    }
}
