package import CometCore
import CometProtocol
package import CometStore
import Logging
import ServiceLifecycle
import Synchronization

/// Delivers delay-level messages (RocketMQ `ScheduleMessageService`, storage-format.md §8).
///
/// Each level has a queue of `SCHEDULE_TOPIC_XXXX` whose messages share one delay, so they fall
/// due in queue order: every tick looks only at the head of each level's queue. Due messages
/// are re-put under their real topic and queue; the per-level progress is written to
/// `config/delayOffset.json` after the re-put is stored, so a restart resumes where delivery stopped.
package final class ScheduleMessageService: Sendable {
    private let controller: BrokerController
    private let store: MessageStore
    private let path: String
    private let offsets: Mutex<[Int32: Int64]>
    /// Levels whose first batch after start has not been delivered yet (see ``RedeliveryGuard``).
    private let unguarded: Mutex<Set<Int32>>

    /// Loads the saved progress of every level.
    package init(controller: BrokerController, store: MessageStore) throws(CometError) {
        self.controller = controller
        self.store = store
        path = controller.configuration.configDirectory + "/delayOffset.json"
        var table: [Int32: Int64] = [:]
        if let json = try JSONFile.read(path) {
            for (level, offset) in json["offsetTable"]?.objectValue ?? [:] {
                guard let level = Int32(level), let offset = offset.int64Value else {
                    throw CometError(.io, "\(path): invalid entry \(level)")
                }
                table[level] = offset
            }
        }
        offsets = Mutex(table)
        unguarded = Mutex(Set(1...max(1, controller.scheduler.levels.maxLevel)))
    }

    /// Every level's next offset (GET_ALL_DELAY_OFFSET).
    package var offsetTable: [Int32: Int64] { offsets.withLock { $0 } }

    /// The saved next offset of a level's queue.
    package func offset(level: Int32) -> Int64 { offsets.withLock { $0[level] ?? 0 } }

    /// Delivers due messages until cancelled or the broker shuts down. Between passes it sleeps
    /// on the broker's clock until the earliest head of a level falls due, woken early when a
    /// delayed message is stored; with nothing pending it does not wake at all.
    package func run() async {
        let clock = controller.clock
        let arrivals = controller.heldMessages.schedule
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let next = await self.pass().nextDue
                await arrivals.wait(untilMillis: next, clock: clock)
            }
        }
    }

    /// One pass over every level: re-puts what is due now. Returns how many were delivered.
    @discardableResult
    package func deliverDue() async -> Int { await pass().delivered }

    /// One pass over every level: how many were delivered and when the next pass is due (`nil`:
    /// nothing is pending).
    package func pass() async -> (delivered: Int, nextDue: Int64?) {
        let levels = controller.scheduler.levels
        var delivered = 0
        var nextDue: Int64?
        for level in 1...levels.maxLevel {
            let (count, due) = await deliverDue(level: level, delay: levels.delayMillis(level: level))
            delivered += count
            if let due { nextDue = min(nextDue ?? due, due) }
        }
        return (delivered, nextDue)
    }

    /// Re-puts the due head of one level's queue; returns how many and when its new head falls
    /// due (or, after an error, when to try again).
    private func deliverDue(level: Int32, delay: Int64) async -> (Int, Int64?) {
        let topic = MessageScheduler.scheduleTopic
        let queueID = level - 1
        var offset = offset(level: level)
        var delivered = 0
        let retry = controller.clock.nowMillis() + 1000
        while offset < store.maxOffset(topic: topic, queueID: queueID), !Task.isCancelled {
            let result: GetMessageResult
            do {
                result = try await store.getMessages(topic: topic, queueID: queueID, offset: offset, maxCount: 256)
            } catch {
                return (delivered, retry)
            }
            if result.messages.isEmpty {
                guard result.nextBeginOffset > offset else { return (delivered, retry) }
                offset = result.nextBeginOffset
                save(level: level, offset: offset)
                continue
            }
            let now = controller.clock.nowMillis()
            var batch: [StoredMessage] = []
            var next = offset
            var guardBatch = unguarded.withLock { $0.remove(level) != nil } ? RedeliveryGuard(store: store) : nil
            var headDue: Int64?
            for slice in result.messages {
                guard let held = try? slice.decode() else {
                    controller.logger.error(
                        "skipping an undecodable delayed message", metadata: ["offset": "\(slice.physicalOffset)"])
                    next = slice.queueOffset + 1
                    continue
                }
                if held.storeTimestamp + delay > now {
                    headDue = held.storeTimestamp + delay
                    break
                }
                next = slice.queueOffset + 1
                if let message = MessageScheduler.restore(held, storeHost: store.configuration.storeHost) {
                    if await guardBatch?.alreadyDelivered(held, as: message) == true {
                        controller.logger.info(
                            "skipping a delayed message delivered before the restart",
                            metadata: ["offset": "\(held.physicalOffset)"])
                        continue
                    }
                    batch.append(message)
                } else {
                    controller.logger.error(
                        "dropping a delayed message without REAL_TOPIC/REAL_QID",
                        metadata: ["offset": "\(held.physicalOffset)"])
                }
            }
            if next == offset { return (delivered, headDue) }
            if !batch.isEmpty {
                do {
                    _ = try await store.putMessages(batch)
                } catch {
                    controller.logger.warning(
                        "cannot deliver delayed messages, will retry: \(error.message)", metadata: ["level": "\(level)"]
                    )
                    return (delivered, retry)
                }
            }
            delivered += batch.count
            offset = next
            save(level: level, offset: offset)
            if let headDue { return (delivered, headDue) }
        }
        return (delivered, nil)
    }

    private func save(level: Int32, offset: Int64) {
        let snapshot = offsets.withLock { table in
            table[level] = offset
            return table
        }
        var table: [String: JSONValue] = [:]
        for (level, offset) in snapshot { table[String(level)] = .int(offset) }
        do {
            try JSONFile.write(.object(["offsetTable": .object(table)]), to: path)
        } catch {
            controller.logger.error("cannot persist delay offsets: \(error.message)")
        }
    }
}
