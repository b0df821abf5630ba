import CometBroker
import Testing

@Suite("Half message table")
struct HalfMessageTableTests {
    func half(_ offset: Int64, at time: Int64 = 0, immunity: Int64? = nil) -> HalfMessage {
        HalfMessage(
            queueOffset: offset, commitLogOffset: offset * 100, storeTimestamp: time, producerGroup: "PG",
            immunityMillis: immunity)
    }

    @Test("Resolutions before or after the half record is read both hide it")
    func resolutions() {
        var table = HalfMessageTable()
        table.resolved(1)
        table.halfRead(half(0))
        table.halfRead(half(1))
        table.halfRead(half(2))
        #expect(table.pending.keys.sorted() == [0, 2])
        #expect(table.isResolved(1))
        #expect(!table.isResolved(0))
        table.resolved(0)
        #expect(table.isResolved(0))
        #expect(!table.isResolved(7))
        #expect(table.pending.keys.sorted() == [2])
    }

    @Test("Checks start after the timeout, count up, and end in a discard")
    func checks() {
        var table = HalfMessageTable()
        table.halfRead(half(0, at: 1000))
        table.halfRead(half(1, at: 1000, immunity: 60_000))
        #expect(table.dueChecks(now: 6_999, timeoutMillis: 6000, maxChecks: 2).isEmpty)
        let first = table.dueChecks(now: 7_000, timeoutMillis: 6000, maxChecks: 2)
        #expect(first.count == 1)
        guard case .check(let checked) = first.first else {
            Issue.record("expected a check")
            return
        }
        #expect(checked.queueOffset == 0)
        #expect(checked.checkTimes == 1)
        #expect(table.checkTimes == [0: 1])
        _ = table.dueChecks(now: 8_000, timeoutMillis: 6000, maxChecks: 2)
        let last = table.dueChecks(now: 9_000, timeoutMillis: 6000, maxChecks: 2)
        #expect(last.count == 1)
        guard case .discard(let discarded) = last.first else {
            Issue.record("expected a discard")
            return
        }
        #expect(discarded.checkTimes == 2)
        #expect(table.pending.keys.sorted() == [1])
        #expect(table.dueChecks(now: 61_000, timeoutMillis: 6000, maxChecks: 2).count == 1)
    }

    @Test("Skipping past deleted offsets forgets their early resolutions")
    func skip() {
        var table = HalfMessageTable(scanOffset: 5)
        table.resolved(6)
        table.skip(to: 10)
        #expect(table.scanOffset == 10)
        table.halfRead(half(3))
        #expect(table.pending.isEmpty)
    }
}
