/// A half message the broker has read from `RMQ_SYS_TRANS_HALF_TOPIC` and not seen resolved.
package struct HalfMessage: Sendable, Hashable {
    /// Offset in the half topic's queue 0 (the producer's `tranStateTableOffset`).
    package var queueOffset: Int64
    /// Commit-log offset of the half record.
    package var commitLogOffset: Int64
    /// When the half message was stored (ms).
    package var storeTimestamp: Int64
    /// The producer group (`PGROUP`) to ask.
    package var producerGroup: String
    /// `CHECK_IMMUNITY_TIME_IN_SECONDS` in ms, if the producer set it.
    package var immunityMillis: Int64?
    /// How many times the producer has been asked.
    package var checkTimes: Int32 = 0

    package init(
        queueOffset: Int64, commitLogOffset: Int64, storeTimestamp: Int64, producerGroup: String,
        immunityMillis: Int64? = nil, checkTimes: Int32 = 0
    ) {
        self.queueOffset = queueOffset
        self.commitLogOffset = commitLogOffset
        self.storeTimestamp = storeTimestamp
        self.producerGroup = producerGroup
        self.immunityMillis = immunityMillis
        self.checkTimes = checkTimes
    }
}

/// Which half messages are unresolved, and which are due a check-back: a pure state machine fed
/// with half records (in queue order) and resolutions (op records, END_TRANSACTION), asked for
/// actions with the current time.
package struct HalfMessageTable: Sendable {
    /// What the check loop must do with one half message.
    package enum Action: Sendable, Hashable {
        /// Send CHECK_TRANSACTION_STATE (the count is already incremented).
        case check(HalfMessage)
        /// Give up: the producer was asked `transactionCheckMax` times.
        case discard(HalfMessage)
    }

    /// The next half-queue offset to read; every offset below it has been read.
    package private(set) var scanOffset: Int64
    /// Unresolved half messages by queue offset.
    package private(set) var pending: [Int64: HalfMessage] = [:]
    /// Resolutions of offsets not read yet.
    private var resolvedAhead: Set<Int64> = []

    /// An empty table that starts reading the half queue at `scanOffset`.
    package init(scanOffset: Int64 = 0) { self.scanOffset = scanOffset }

    /// A half record read in queue order; ignored if it is already resolved.
    package mutating func halfRead(_ half: HalfMessage) {
        guard half.queueOffset >= scanOffset else { return }
        scanOffset = half.queueOffset + 1
        if resolvedAhead.remove(half.queueOffset) == nil { pending[half.queueOffset] = half }
    }

    /// Skips unreadable or deleted offsets.
    package mutating func skip(to offset: Int64) {
        guard offset > scanOffset else { return }
        for resolved in resolvedAhead where resolved < offset { resolvedAhead.remove(resolved) }
        scanOffset = offset
    }

    /// A commit, rollback or discard of the half message at `queueOffset`.
    package mutating func resolved(_ queueOffset: Int64) {
        if queueOffset < scanOffset {
            pending.removeValue(forKey: queueOffset)
        } else {
            resolvedAhead.insert(queueOffset)
        }
    }

    /// Whether the half message at `queueOffset` has been resolved (or never existed, once read past).
    package func isResolved(_ queueOffset: Int64) -> Bool {
        queueOffset < scanOffset ? pending[queueOffset] == nil : resolvedAhead.contains(queueOffset)
    }

    /// Half messages older than their timeout: each is checked (count + 1) or, past `maxChecks`,
    /// discarded (and forgotten). Ordered by queue offset.
    package mutating func dueChecks(now: Int64, timeoutMillis: Int64, maxChecks: Int32) -> [Action] {
        var actions: [Action] = []
        for offset in pending.keys.sorted() {
            guard var half = pending[offset] else { continue }
            guard now - half.storeTimestamp >= (half.immunityMillis ?? timeoutMillis) else { continue }
            if half.checkTimes >= maxChecks {
                pending.removeValue(forKey: offset)
                actions.append(.discard(half))
            } else {
                half.checkTimes += 1
                pending[offset] = half
                actions.append(.check(half))
            }
        }
        return actions
    }

    /// Check counts of the pending half messages that have been checked (for persistence).
    package var checkTimes: [Int64: Int32] {
        pending.compactMapValues { $0.checkTimes > 0 ? $0.checkTimes : nil }
    }
}
