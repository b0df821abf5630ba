import CometCore
import CometStore

/// Closes the crash window of delayed delivery: a message re-put just before a crash, whose
/// progress was not saved yet, would be delivered again after the restart.
///
/// Used for the first deliveries after start: a held message is skipped if its real queue already holds
/// a message with the same `UNIQ_KEY` stored after the held one (a copy delivered before the
/// crash — a retry of the same message is always held after its earlier copy was stored, so it
/// is never mistaken for one). Only the last `window` records of each real queue are looked at.
struct RedeliveryGuard {
    private let store: MessageStore
    private let window: Int64
    private var recent: [String: [String: Int64]] = [:]

    init(store: MessageStore, window: Int64 = 512) {
        self.store = store
        self.window = window
    }

    /// Whether `held` (a record in a system topic) was already delivered as `message`.
    mutating func alreadyDelivered(_ held: StoredMessage, as message: StoredMessage) async -> Bool {
        guard let key = held.uniqueKey else { return false }
        let queueKey = "\(message.topic)\u{0}\(message.queueID)"
        if recent[queueKey] == nil {
            recent[queueKey] = await loadRecent(topic: message.topic, queueID: message.queueID)
        }
        guard let stored = recent[queueKey]?[key] else { return false }
        return stored >= held.storeTimestamp
    }

    private func loadRecent(topic: String, queueID: Int32) async -> [String: Int64] {
        let max = store.maxOffset(topic: topic, queueID: queueID)
        var offset = Swift.max(store.minOffset(topic: topic, queueID: queueID), max - window)
        var keys: [String: Int64] = [:]
        while offset < max {
            guard
                let result = try? await store.getMessages(
                    topic: topic, queueID: queueID, offset: offset, maxCount: 256, maxBytes: 1 << 24)
            else { break }
            for slice in result.messages {
                if let message = try? slice.decode(), let key = message.uniqueKey {
                    keys[key] = Swift.max(keys[key] ?? 0, message.storeTimestamp)
                }
            }
            guard result.nextBeginOffset > offset else { break }
            offset = result.nextBeginOffset
        }
        return keys
    }
}
