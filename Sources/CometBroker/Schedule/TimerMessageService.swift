package import CometCore
import CometProtocol
package import CometStore
import Logging
import ServiceLifecycle
import Synchronization

/// Delivers deliver-at (timer) messages held in `rmq_sys_wheel_timer` queue 0.
///
/// An enqueue step reads new records of that queue into a ``TimingWheel`` (commit-log offsets
/// in 100 ms buckets); a dequeue step fires the buckets that are due and re-puts their messages
/// under the real topic. A tick costs what is new plus what is due, not what is pending.
///
/// Durability: `config/timerCheck.json` holds the wheel cursor (every bucket before it has been
/// delivered) and the queue offset enqueued so far, written after each tick's re-puts are stored.
/// On start the wheel is rebuilt from the store: records below the saved offset that fall before
/// the cursor were delivered; the rest are pending (late ones are delivered at once).
package final class TimerMessageService: Sendable {
    private struct State {
        var wheel: TimingWheel<Int64>
        var enqueueOffset: Int64
        var lastSave: Int64 = 0
        /// The cursor or the enqueue offset moved since the last save.
        var dirty = false
        /// When to try again after the store refused a read or a re-put.
        var retryAt: Int64?
        /// The first tick after start checks for copies delivered just before a crash.
        var guarded = false
    }

    private let controller: BrokerController
    private let store: MessageStore
    private let path: String
    private let state: Mutex<State>
    private let saved: (cursor: Int64, enqueueOffset: Int64)?
    private var recalls: TimerRecalls { controller.timerRecalls }

    /// Loads the checkpoint; ``rebuild()`` then restores the pending entries.
    package init(controller: BrokerController, store: MessageStore, precision: Int64 = 100) throws(CometError) {
        self.controller = controller
        self.store = store
        path = controller.configuration.configDirectory + "/timerCheck.json"
        if let json = try JSONFile.read(path) {
            guard let cursor = json["cursor"]?.int64Value, let offset = json["enqueueOffset"]?.int64Value else {
                throw CometError(.io, "\(path): expected cursor and enqueueOffset")
            }
            saved = (cursor, offset)
            state = Mutex(State(wheel: TimingWheel(precision: precision, cursor: cursor), enqueueOffset: offset))
        } else {
            saved = nil
            state = Mutex(
                State(wheel: TimingWheel(precision: precision, now: controller.clock.nowMillis()), enqueueOffset: 0))
        }
    }

    /// Entries waiting in the wheel.
    package var pendingCount: Int { state.withLock { $0.wheel.count } }

    /// Re-reads the part of the timer queue the checkpoint covers and puts back what is pending.
    package func rebuild() async {
        guard let saved else { return }
        let topic = MessageScheduler.timerTopic
        var offset = store.minOffset(topic: topic, queueID: 0)
        var restored = 0
        while offset < saved.enqueueOffset {
            guard let result = try? await store.getMessages(topic: topic, queueID: 0, offset: offset, maxCount: 1024),
                result.nextBeginOffset > offset
            else { break }
            var entries: [(Int64, Int64)] = []
            for slice in result.messages where slice.queueOffset < saved.enqueueOffset {
                switch Self.classify(slice) {
                case .timer(let deliverAt): entries.append((slice.physicalOffset, deliverAt))
                case .recall(let uniqueKey, let deliverAt): recalls.restore(uniqueKey: uniqueKey, deliverAt: deliverAt)
                case .unreadable: break
                }
            }
            state.withLock { state in
                for (offset, deliverAt) in entries where state.wheel.add(offset, deliverAt: deliverAt) { restored += 1 }
            }
            offset = result.nextBeginOffset
        }
        controller.logger.info(
            "timer wheel rebuilt", metadata: ["pending": "\(restored)", "cursor": "\(saved.cursor)"])
    }

    /// Rebuilds, then ticks until cancelled or the broker shuts down. Between ticks it sleeps on
    /// the broker's clock until the earliest bucket falls due (or the checkpoint is due), woken
    /// early when a timer record is stored; an empty wheel does not wake at all.
    package func run() async {
        await rebuild()
        let clock = controller.clock
        let arrivals = controller.heldMessages.timer
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.tick()
                await arrivals.wait(untilMillis: self.nextWake, clock: clock)
            }
        }
    }

    /// When the next tick is needed: the earliest pending bucket, a retry after a store error, or
    /// the periodic checkpoint of a moved cursor; `nil` when nothing is pending.
    package var nextWake: Int64? {
        state.withLock { state in
            let checkpoint = state.dirty ? state.lastSave + 10_000 : nil
            return [state.wheel.nextDue, state.retryAt, checkpoint].compactMap { $0 }.min()
        }
    }

    /// Enqueues new timer records, delivers what is due, then saves the checkpoint.
    /// Returns how many messages were delivered.
    @discardableResult
    package func tick() async -> Int {
        let topic = MessageScheduler.timerTopic
        var delivered = 0
        var changed = false
        let retryAt = controller.clock.nowMillis() + 1000
        state.withLock { $0.retryAt = nil }
        // Enqueue: new records go into the wheel; those whose bucket has fired go out at once.
        while true {
            let offset = state.withLock { $0.enqueueOffset }
            guard offset < store.maxOffset(topic: topic, queueID: 0) else { break }
            guard let result = try? await store.getMessages(topic: topic, queueID: 0, offset: offset, maxCount: 1024),
                result.nextBeginOffset > offset
            else {
                state.withLock { $0.retryAt = retryAt }
                break
            }
            // Only this task moves the cursor, so the split still holds when the entries are added;
            // nothing is added or consumed unless the overdue ones were stored.
            var entries: [(Int64, Int64)] = []
            for slice in result.messages {
                switch Self.classify(slice) {
                case .timer(let deliverAt): entries.append((slice.physicalOffset, deliverAt))
                case .recall(let uniqueKey, let deliverAt): recalls.restore(uniqueKey: uniqueKey, deliverAt: deliverAt)
                case .unreadable: break
                }
            }
            var late: [Int64] = []
            var onTime: [(offset: Int64, deliverAt: Int64)] = []
            state.withLock { state in
                for (offset, deliverAt) in entries {
                    if state.wheel.isOverdue(deliverAt) {
                        late.append(offset)
                    } else {
                        onTime.append((offset, deliverAt))
                    }
                }
            }
            guard await deliver(late) else {
                state.withLock { $0.retryAt = retryAt }
                return delivered
            }
            delivered += late.count
            state.withLock { state in
                for entry in onTime { state.wheel.add(entry.offset, deliverAt: entry.deliverAt) }
                state.enqueueOffset = result.nextBeginOffset
            }
            changed = true
        }
        // Dequeue: fire every due bucket, a bounded batch at a time.
        while true {
            let (due, cursorMoved) = state.withLock { state -> ([Int64], Bool) in
                let before = state.wheel.cursor
                let due = state.wheel.advance(to: controller.clock.nowMillis(), limit: 4096)
                // Recalls of what is now due are refused from here on; those accepted before are
                // seen by `deliver` below.
                recalls.fired(before: state.wheel.cursor * state.wheel.precision)
                return (due, state.wheel.cursor != before)
            }
            if !due.isEmpty {
                guard await deliver(due) else {
                    // Not stored: put them back so the next tick retries them.
                    state.withLock { state in
                        let retry = state.wheel.cursor * state.wheel.precision
                        for offset in due { state.wheel.add(offset, deliverAt: retry) }
                    }
                    break
                }
                delivered += due.count
            }
            changed = changed || cursorMoved
            if due.isEmpty { break }
        }
        // Saved after every delivery (so a restart never re-delivers); otherwise at most every
        // 10 s, which only keeps the restart scan short.
        let now = controller.clock.nowMillis()
        let saveNow = state.withLock { state in
            state.guarded = true
            state.dirty = state.dirty || changed
            guard delivered > 0 || (state.dirty && now - state.lastSave >= 10_000) else { return false }
            state.lastSave = now
            state.dirty = false
            return true
        }
        if saveNow { save() }
        return delivered
    }

    private func deliver(_ offsets: [Int64]) async -> Bool {
        guard !offsets.isEmpty else { return true }
        var redelivery = state.withLock { $0.guarded } ? nil : RedeliveryGuard(store: store)
        var batch: [StoredMessage] = []
        batch.reserveCapacity(offsets.count)
        for offset in offsets {
            guard let held = store.lookMessage(commitLogOffset: offset),
                let message = MessageScheduler.restore(held, storeHost: store.configuration.storeHost)
            else {
                controller.logger.error("dropping an unreadable timer message", metadata: ["offset": "\(offset)"])
                continue
            }
            if recalls.isRecalled(message.uniqueKey) {
                controller.logger.debug(
                    "skipping a recalled timer message", metadata: ["uniqKey": "\(message.uniqueKey ?? "")"])
                continue
            }
            if await redelivery?.alreadyDelivered(held, as: message) == true {
                controller.logger.info(
                    "skipping a timer message delivered before the restart", metadata: ["offset": "\(offset)"])
                continue
            }
            batch.append(message)
        }
        do {
            var start = 0
            while start < batch.count {
                let end = min(batch.count, start + 256)
                _ = try await store.putMessages(Array(batch[start..<end]))
                start = end
            }
            return true
        } catch {
            controller.logger.warning("cannot deliver timer messages, will retry: \(error.message)")
            return false
        }
    }

    private func save() {
        let (cursor, offset) = state.withLock { ($0.wheel.cursor, $0.enqueueOffset) }
        do {
            try JSONFile.write(.object(["cursor": .int(cursor), "enqueueOffset": .int(offset)]), to: path)
        } catch {
            controller.logger.error("cannot persist the timer checkpoint: \(error.message)")
        }
    }

    /// Saves the checkpoint (at shutdown).
    package func persist() { save() }

    private static let timerOutKey = Array((MessagePropertyKey.timerOutMs + "\u{1}").utf8)
    private static let deleteKey = Array((MessagePropertyKey.timerDeleteUniqueKey + "\u{1}").utf8)

    /// What a record of the timer topic is.
    package enum Entry: Equatable {
        /// A message to deliver at this time.
        case timer(deliverAt: Int64)
        /// A marker recalling the pending message with this UNIQ_KEY, due at this time.
        case recall(uniqueKey: String, deliverAt: Int64)
        case unreadable
    }

    /// Reads a record's PROPERTIES bytes (no full decode: the wheel is rebuilt from every pending
    /// record at start).
    static func classify(_ slice: StoredMessageSlice) -> Entry {
        slice.withUnsafeBytes { classify(record: $0) }
    }

    /// ``classify(_:)`` over one encoded record.
    package static func classify(record raw: UnsafeRawBufferPointer) -> Entry {
        guard let header = try? StoredMessageHeader.parse(raw, verifyCRC: false) else { return .unreadable }
        let properties = UnsafeRawBufferPointer(rebasing: raw[header.propertiesRange])
        guard let deliverAt = deliverTime(properties: properties) else { return .unreadable }
        if let range = valueRange(of: deleteKey, in: properties) {
            return .recall(
                uniqueKey: String(decoding: UnsafeRawBufferPointer(rebasing: properties[range]), as: UTF8.self),
                deliverAt: deliverAt)
        }
        return .timer(deliverAt: deliverAt)
    }

    /// `TIMER_OUT_MS` from encoded properties (`name\u{1}value\u{2}…`).
    package static func deliverTime(properties raw: UnsafeRawBufferPointer) -> Int64? {
        guard let range = valueRange(of: timerOutKey, in: raw) else { return nil }
        var value: Int64 = 0
        var digits = 0
        for index in range {
            guard raw[index] >= 0x30, raw[index] <= 0x39, digits < 18 else { break }
            value = value * 10 + Int64(raw[index] - 0x30)
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// Where the value of the property whose `name\u{1}` is `key` lies in encoded properties.
    private static func valueRange(of key: [UInt8], in raw: UnsafeRawBufferPointer) -> Range<Int>? {
        var start = 0
        while start + key.count <= raw.count {
            var matches = true
            for (i, byte) in key.enumerated() where raw[start + i] != byte {
                matches = false
                break
            }
            if matches {
                var end = start + key.count
                while end < raw.count, raw[end] != 0x02 { end += 1 }
                return (start + key.count)..<end
            }
            // Next property: after the next 0x02.
            while start < raw.count, raw[start] != 0x02 { start += 1 }
            start += 1
        }
        return nil
    }
}
