import CometBroker
import Foundation
import Testing

@Suite("POP queue state")
struct PopQueueStateTests {
    typealias Entry = PopQueueState.Entry

    @Test("In-flight messages become visible when their invisible time ends")
    func visibility() {
        var state = PopQueueState(next: 3)
        state.entries[0] = Entry(attempt: 1, visibleAt: 100, sequence: 1, messageGroup: "")
        state.entries[2] = Entry(attempt: 1, visibleAt: 50, sequence: 2, messageGroup: "")
        #expect(state.visibleOffsets(now: 10, fifo: false) == [])
        #expect(state.visibleOffsets(now: 50, fifo: false) == [2])
        #expect(state.visibleOffsets(now: 100, fifo: false) == [0, 2])
        #expect(state.earliestVisibility(after: 10) == 50)
        #expect(state.committedOffset == 0)
    }

    @Test("Redelivery counts the attempt and a new sequence retires the old handle")
    func redelivery() {
        var state = PopQueueState(next: 1)
        state.entries[0] = Entry(attempt: 1, visibleAt: 10, sequence: 1, messageGroup: "")
        #expect(state.holds(0, sequence: 1))
        let entry = state.redeliver(0, visibleAt: 70, sequence: 5)
        #expect(entry?.attempt == 2)
        #expect(!state.holds(0, sequence: 1))
        #expect(state.holds(0, sequence: 5))
        let first = state.ack(0)
        let second = state.ack(0)
        #expect(first)
        #expect(!second)
        #expect(state.committedOffset == 1)
    }

    @Test("FIFO holds back a group's later messages but not other groups")
    func fifo() {
        var state = PopQueueState(next: 5)
        state.entries[0] = Entry(attempt: 1, visibleAt: 1_000, sequence: 1, messageGroup: "a")
        state.entries[1] = Entry(attempt: 0, visibleAt: 0, sequence: 0, messageGroup: "a")
        state.entries[2] = Entry(attempt: 0, visibleAt: 0, sequence: 0, messageGroup: "b")
        state.entries[3] = Entry(attempt: 0, visibleAt: 0, sequence: 0, messageGroup: "b")
        state.entries[4] = Entry(attempt: 0, visibleAt: 0, sequence: 0, messageGroup: "")
        #expect(state.visibleOffsets(now: 10, fifo: true) == [2, 4])
        #expect(state.visibleOffsets(now: 10, fifo: false) == [1, 2, 3, 4])
        #expect(state.busyGroups == ["a", "b"])
        // Once "a"'s in-flight message times out, it comes back first, still ahead of offset 1.
        #expect(state.visibleOffsets(now: 1_000, fifo: true) == [0, 2, 4])
        state.ack(0)
        #expect(state.visibleOffsets(now: 10, fifo: true) == [1, 2, 4])
    }
}

@Suite("POP journal")
struct PopJournalTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("popjournal-\(UUID().uuidString)").path
    }

    @Test("Replay rebuilds deliveries, advances and acks, and compaction keeps them")
    func replay() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let key = PopJournal.Key(group: "g", topic: "t", queueID: 2)
        do {
            let journal = try PopJournal(path: path)
            var batch = PopJournal.Batch()
            batch.reset(key, next: 10)
            batch.advance(key, next: 13)
            batch.set(key, offset: 10, .init(attempt: 1, visibleAt: 500, sequence: 7, messageGroup: "grüppe 1"))
            batch.set(key, offset: 12, .init(attempt: 0, visibleAt: 0, sequence: 0, messageGroup: ""))
            try journal.append(batch)
            var ack = PopJournal.Batch()
            ack.ack(key, offset: 12)
            try journal.append(ack)
        }
        let reopened = try PopJournal(path: path)
        let state = try #require(reopened.replayed.queues[key])
        #expect(state.next == 13)
        #expect(state.entries.keys.sorted() == [10])
        #expect(state.entries[10] == .init(attempt: 1, visibleAt: 500, sequence: 7, messageGroup: "grüppe 1"))
        #expect(reopened.replayed.maxSequence == 7)
        // Opened again after the compaction the first reopen did: same state.
        let again = try PopJournal(path: path)
        #expect(again.replayed.queues[key] == state)
    }

    @Test("A torn last line is ignored")
    func tornTail() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "S g t 0 6\nE g t 0 5 1 99 3 -\nA g t 0 5".write(toFile: path, atomically: true, encoding: .utf8)
        let journal = try PopJournal(path: path)
        #expect(journal.replayed.queues[PopJournal.Key(group: "g", topic: "t", queueID: 0)]?.entries.count == 1)
    }

    @Test("Receipt handles round-trip and reject foreign text")
    func handles() {
        let handle = ReceiptHandle(queueID: 3, offset: 1234, sequence: 99)
        #expect(ReceiptHandle(handle.description) == handle)
        #expect(ReceiptHandle("q-1o1s1") == nil)
        #expect(ReceiptHandle("hello") == nil)
        #expect(ReceiptHandle("") == nil)
        #expect(ReceiptHandle("q1o2s") == nil)
    }
}
