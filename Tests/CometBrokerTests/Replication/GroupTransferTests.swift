import CometRemoting
import CometTestSupport
import NIOCore
import Synchronization
import Testing

@testable import CometBroker

@Suite("SYNC_MASTER group transfer", .timeLimit(.minutes(1)))
struct GroupTransferTests {
    @Test("Waiters complete when an acknowledgement covers them, the rest when their timer fires")
    func acknowledgementsAndTimeouts() async throws {
        let connection = try await TestConnection()
        let loop = connection.connection.channel.eventLoop
        let transfers = GroupTransfer()
        let outcomes = Mutex<[Int64: Bool]>([:])
        for end in [Int64(100), 200, 300] {
            transfers.wait(end: end, timeout: .seconds(3), on: loop) { ok in outcomes.withLock { $0[end] = ok } }
        }
        #expect(transfers.pending == 3)
        transfers.acknowledged(upTo: 250)
        #expect(outcomes.withLock { $0 } == [100: true, 200: true])
        #expect(transfers.pending == 1)
        // Already covered: answered at once, no timer.
        transfers.wait(end: 240, timeout: .seconds(3), on: loop) { ok in outcomes.withLock { $0[240] = ok } }
        #expect(outcomes.withLock { $0[240] } == true)
        await connection.advanceTime(by: .milliseconds(2999))
        #expect(outcomes.withLock { $0[300] } == nil)
        await connection.advanceTime(by: .milliseconds(1))
        #expect(outcomes.withLock { $0[300] } == false)
        #expect(transfers.pending == 0)
        // A late acknowledgement changes nothing for a waiter that timed out.
        transfers.acknowledged(upTo: 400)
        #expect(outcomes.withLock { $0[300] } == false)
    }

    @Test("SLAVE_NOT_AVAILABLE needs a connected slave within haSlaveFallbehindMax")
    func slaveOK() {
        let tracker = ReplicaTracker(transfers: GroupTransfer())
        #expect(!tracker.isSlaveOK(end: 10, fallBehindMax: 1000))
        let (_, wake) = AsyncStream<Void>.makeStream()
        let id = tracker.connect(remoteAddress: "127.0.0.1:1", wake: wake, now: 0)
        tracker.report(id, offset: 500)
        #expect(tracker.isSlaveOK(end: 1499, fallBehindMax: 1000))
        #expect(!tracker.isSlaveOK(end: 1500, fallBehindMax: 1000))
        #expect(tracker.slaves.map(\.ackOffset) == [500])
        #expect(tracker.slaves.map(\.requestOffset) == [500])
        tracker.report(id, offset: 900)
        #expect(tracker.slaves.map(\.requestOffset) == [500])
        tracker.disconnect(id)
        #expect(!tracker.isSlaveOK(end: 901, fallBehindMax: 1000))
    }
}
