import CometCore
import Synchronization

/// What a master knows about the slaves connected to its HA port: each one's first report (where
/// to start streaming), its latest acknowledgement, and a way to wake its sender. Acks also move
/// the group's `push2SlaveMaxOffset` and complete SYNC_MASTER waiters (``GroupTransfer``).
package final class ReplicaTracker: Sendable {
    /// One connected slave as the admin tools show it.
    package struct Slave: Sendable, Hashable, Codable {
        /// The slave's address on the HA connection.
        package var remoteAddress: String
        /// Its first report (where the stream started), or `nil` before it sent one.
        package var requestOffset: Int64?
        /// Its latest report: the end of the log it holds.
        package var ackOffset: Int64
        /// When it connected (ms since the epoch).
        package var connectedAt: Int64
    }

    private struct Entry {
        var slave: Slave
        var wake: AsyncStream<Void>.Continuation
    }
    private struct State {
        var nextID: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
        var pushedMax: Int64 = 0
    }

    private let state = Mutex(State())
    /// Waiters of SYNC_MASTER sends.
    package let transfers: GroupTransfer

    init(transfers: GroupTransfer) {
        self.transfers = transfers
    }

    /// Adds a connection; returns its id.
    func connect(remoteAddress: String, wake: AsyncStream<Void>.Continuation, now: Int64) -> UInt64 {
        state.withLock { state in
            state.nextID += 1
            state.entries[state.nextID] = Entry(
                slave: Slave(remoteAddress: remoteAddress, requestOffset: nil, ackOffset: 0, connectedAt: now),
                wake: wake)
            return state.nextID
        }
    }

    /// Removes a connection.
    func disconnect(_ id: UInt64) {
        let wake = state.withLock { $0.entries.removeValue(forKey: id)?.wake }
        wake?.finish()
    }

    /// A report from slave `id`; returns the offset its stream starts from once known.
    func report(_ id: UInt64, offset: Int64) {
        let pushed = state.withLock { state -> Int64 in
            if state.entries[id]?.slave.requestOffset == nil { state.entries[id]?.slave.requestOffset = offset }
            state.entries[id]?.slave.ackOffset = offset
            state.pushedMax = max(state.pushedMax, offset)
            return state.pushedMax
        }
        transfers.acknowledged(upTo: pushed)
    }

    /// Slave `id`'s first report, once it arrived.
    func requestOffset(_ id: UInt64) -> Int64? {
        state.withLock { $0.entries[id]?.slave.requestOffset }
    }

    /// Wakes every connection's sender (new bytes in the log).
    func wakeAll() {
        let wakes = state.withLock { $0.entries.values.map(\.wake) }
        for wake in wakes { wake.yield() }
    }

    /// Whether any slave is connected (cheap check before waking).
    var hasSlaves: Bool { state.withLock { !$0.entries.isEmpty } }

    /// The connected slaves.
    package var slaves: [Slave] { state.withLock { $0.entries.values.map(\.slave) } }

    /// The highest offset any slave acknowledged (upstream `push2SlaveMaxOffset`).
    package var pushedMaxOffset: Int64 { state.withLock { $0.pushedMax } }

    /// How SYNC_MASTER would treat a send ending at `end`: whether a slave is connected and close
    /// enough (`haSlaveFallbehindMax`) to be waited for.
    func isSlaveOK(end: Int64, fallBehindMax: Int64) -> Bool {
        state.withLock { !$0.entries.isEmpty && end - $0.pushedMax < fallBehindMax }
    }
}
