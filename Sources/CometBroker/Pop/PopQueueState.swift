/// One consumer group's POP progress on one queue (RocketMQ 5.x "pop" consumption): the offset
/// below which every message was handed out, acknowledged or filtered out, and the messages
/// below it that are not acknowledged yet.
///
/// A pure value: every method takes "now" and says what changed, so the caller can journal it
/// (``PopJournal``) and tests can read like transcripts.
package struct PopQueueState: Sendable, Hashable {
    /// One unacknowledged message below ``next``.
    package struct Entry: Sendable, Hashable {
        /// Deliveries so far (0 = skipped, never handed out).
        package var attempt: Int32
        /// When it becomes visible again (ms); 0 = visible now.
        package var visibleAt: Int64
        /// Sequence of the current delivery; receipt handles carry it, so a handle from an
        /// earlier delivery no longer acknowledges the message.
        package var sequence: UInt64
        /// The message group (FIFO), empty when none.
        package var messageGroup: String

        package init(attempt: Int32, visibleAt: Int64, sequence: UInt64, messageGroup: String) {
            self.attempt = attempt
            self.visibleAt = visibleAt
            self.sequence = sequence
            self.messageGroup = messageGroup
        }
    }

    /// First queue offset never looked at for this group.
    package var next: Int64
    /// Unacknowledged messages by queue offset (all below ``next``).
    package var entries: [Int64: Entry]

    package init(next: Int64, entries: [Int64: Entry] = [:]) {
        self.next = next
        self.entries = entries
    }

    /// The offset consumers of this group have fully consumed up to (what offset queries and lag
    /// report): the oldest unacknowledged message, else ``next``.
    package var committedOffset: Int64 { entries.keys.min() ?? next }

    /// The earliest time an in-flight message becomes visible again, if any is in flight.
    package func earliestVisibility(after now: Int64) -> Int64? {
        entries.values.lazy.map(\.visibleAt).filter { $0 > now }.min()
    }

    /// Offsets of messages that may be handed out again now, oldest first. For FIFO, a message
    /// whose group has an earlier message in flight (or waiting) is held back, so one message
    /// group has at most one message out at a time and groups never block one another.
    package func visibleOffsets(now: Int64, fifo: Bool) -> [Int64] {
        var blocked: Set<String> = []
        var result: [Int64] = []
        for offset in entries.keys.sorted() {
            guard let entry = entries[offset] else { continue }
            let group = entry.messageGroup
            if fifo && !group.isEmpty && blocked.contains(group) { continue }
            if entry.visibleAt <= now { result.append(offset) }
            if fifo && !group.isEmpty { blocked.insert(group) }
        }
        return result
    }

    /// Message groups that have a message in flight or waiting, which new messages of the same
    /// group must queue behind (FIFO only).
    package var busyGroups: Set<String> {
        Set(entries.values.lazy.map(\.messageGroup).filter { !$0.isEmpty })
    }

    /// Hands out the message at `offset` (already in ``entries``) again until `visibleAt`.
    package mutating func redeliver(_ offset: Int64, visibleAt: Int64, sequence: UInt64) -> Entry? {
        guard var entry = entries[offset] else { return nil }
        entry.attempt += 1
        entry.visibleAt = visibleAt
        entry.sequence = sequence
        entries[offset] = entry
        return entry
    }

    /// Records that a read moved ``next`` to `newNext`; offsets read but neither delivered nor
    /// waiting (filtered out) count as consumed.
    package mutating func advance(to newNext: Int64) {
        next = max(next, newNext)
    }

    /// Whether `sequence` is the current delivery of the message at `offset`.
    package func holds(_ offset: Int64, sequence: UInt64) -> Bool {
        entries[offset]?.sequence == sequence && entries[offset]!.attempt > 0
    }

    /// Acknowledges the message at `offset`; returns whether it was outstanding.
    @discardableResult
    package mutating func ack(_ offset: Int64) -> Bool {
        entries.removeValue(forKey: offset) != nil
    }
}
