import CometBroker
import CometCore
import NIOCore
import Testing

@Suite("Timer message recall")
struct TimerRecallTests {
    typealias Handle = MessagingFacade.RecallHandle

    @Test("Recall handles round-trip in RocketMQ's v1 form and reject anything else")
    func handles() {
        let handle = Handle(topic: "T", brokerName: "broker-a", deliverAt: 1_764_000_000_123, messageID: "0A0B")
        #expect(Handle(encoded: handle.encoded) == handle)
        #expect(!handle.encoded.contains("=") && !handle.encoded.contains("+") && !handle.encoded.contains("/"))
        #expect(Handle(encoded: "not a handle") == nil)
        #expect(Handle(encoded: "") == nil)
        // Valid Base64 of the wrong shape.
        #expect(Handle(encoded: "djIgVCBiIDEgaWQ") == nil)
    }

    @Test("A recall is accepted only before its time fires, and is forgotten a minute after")
    func boundary() {
        let recalls = TimerRecalls()
        #expect(recalls.recall(uniqueKey: "a", deliverAt: 5_000))
        recalls.fired(before: 5_000)
        #expect(!recalls.recall(uniqueKey: "b", deliverAt: 4_900))
        #expect(recalls.recall(uniqueKey: "c", deliverAt: 5_000))
        #expect(recalls.count == 2)
        recalls.fired(before: 70_000)
        #expect(recalls.count == 0)
        recalls.withdraw(uniqueKey: "missing")
    }

    @Test("Recall markers in the timer topic are told apart from timer messages")
    func markers() throws {
        func classify(_ properties: [String: String]) throws -> TimerMessageService.Entry {
            let message = StoredMessage(
                topic: "rmq_sys_wheel_timer", queueID: 0, body: ByteBuffer(string: "x"), properties: properties)
            var record = ByteBuffer()
            try message.encode(into: &record)
            return record.withUnsafeReadableBytes { TimerMessageService.classify(record: $0) }
        }
        #expect(try classify(["TIMER_OUT_MS": "42"]) == .timer(deliverAt: 42))
        #expect(
            try classify(["TIMER_OUT_MS": "42", "TIMER_DEL_UNIQKEY": "ABC"]) == .recall(uniqueKey: "ABC", deliverAt: 42)
        )
        #expect(try classify(["OTHER": "1"]) == .unreadable)
        #expect(
            ByteBuffer(string: "short").withUnsafeReadableBytes { TimerMessageService.classify(record: $0) }
                == .unreadable)
    }
}
