import CometBroker
import CometCore
import NIOCore
import Testing

@Suite("Send-back decisions and scheduling")
struct SendBackDecisionTests {
    @Test("Level 0 becomes 3 + reconsume times, capped at the top level")
    func escalation() {
        #expect(
            SendBackDecision.decide(reconsumeTimes: 0, requestedDelayLevel: 0, maxReconsumeTimes: 16, maxLevel: 18)
                == .retry(delayLevel: 3))
        #expect(
            SendBackDecision.decide(reconsumeTimes: 4, requestedDelayLevel: 0, maxReconsumeTimes: 16, maxLevel: 18)
                == .retry(delayLevel: 7))
        #expect(
            SendBackDecision.decide(reconsumeTimes: 15, requestedDelayLevel: 0, maxReconsumeTimes: 16, maxLevel: 18)
                == .retry(delayLevel: 18))
        #expect(
            SendBackDecision.decide(reconsumeTimes: 1, requestedDelayLevel: 0, maxReconsumeTimes: 16, maxLevel: 3)
                == .retry(delayLevel: 3))
        #expect(
            SendBackDecision.decide(reconsumeTimes: 0, requestedDelayLevel: 2, maxReconsumeTimes: 16, maxLevel: 18)
                == .retry(delayLevel: 2))
    }

    @Test("The DLQ after max reconsume times or for a negative level")
    func deadLetter() {
        #expect(
            SendBackDecision.decide(reconsumeTimes: 16, requestedDelayLevel: 0, maxReconsumeTimes: 16, maxLevel: 18)
                == .deadLetter)
        #expect(
            SendBackDecision.decide(reconsumeTimes: 1, requestedDelayLevel: 0, maxReconsumeTimes: 1, maxLevel: 18)
                == .deadLetter)
        #expect(
            SendBackDecision.decide(reconsumeTimes: 0, requestedDelayLevel: -1, maxReconsumeTimes: 16, maxLevel: 18)
                == .deadLetter)
    }

    static let scheduler = MessageScheduler(
        levels: try! DelayLevelTable(parsing: "1s 5s 10s"), timerMaxDelayMillis: 60_000)

    @Test("A delay level moves the message to SCHEDULE_TOPIC_XXXX and restore brings it back")
    func delayRoundTrip() throws {
        let message = StoredMessage(
            topic: "T", queueID: 3, body: ByteBuffer(string: "x"),
            properties: ["DELAY": "7", "TAGS": "a", "UNIQ_KEY": "u"], reconsumeTimes: 2)
        let held = try Self.scheduler.route(message, now: 0)
        #expect(held.topic == "SCHEDULE_TOPIC_XXXX")
        #expect(held.queueID == 2)
        #expect(held.properties["DELAY"] == "3")
        #expect(held.properties["REAL_TOPIC"] == "T")
        #expect(held.properties["REAL_QID"] == "3")
        let restored = try #require(MessageScheduler.restore(held, storeHost: .unspecified))
        #expect(restored.topic == "T")
        #expect(restored.queueID == 3)
        #expect(restored.properties == ["TAGS": "a", "UNIQ_KEY": "u"])
        #expect(restored.reconsumeTimes == 2)
    }

    @Test("Deliver-at times go to the timer topic; past ones are sent now; too far ahead is refused")
    func timer() throws {
        let at = StoredMessage(topic: "T", queueID: 0, body: ByteBuffer(), properties: ["TIMER_DELIVER_MS": "5000"])
        let held = try Self.scheduler.route(at, now: 1000)
        #expect(held.topic == "rmq_sys_wheel_timer")
        #expect(held.properties["TIMER_OUT_MS"] == "5000")
        let relative = StoredMessage(topic: "T", queueID: 0, body: ByteBuffer(), properties: ["TIMER_DELAY_SEC": "3"])
        #expect(try Self.scheduler.route(relative, now: 1000).properties["TIMER_OUT_MS"] == "4000")
        let past = StoredMessage(topic: "T", queueID: 1, body: ByteBuffer(), properties: ["TIMER_DELIVER_MS": "10"])
        let now = try Self.scheduler.route(past, now: 1000)
        #expect(now.topic == "T")
        #expect(now.properties["TIMER_DELIVER_MS"] == nil)
        let far = StoredMessage(topic: "T", queueID: 0, body: ByteBuffer(), properties: ["TIMER_DELAY_MS": "600000"])
        #expect(throws: CometError.self) { try Self.scheduler.route(far, now: 0) }
        let bad = StoredMessage(topic: "T", queueID: 0, body: ByteBuffer(), properties: ["TIMER_DELIVER_MS": "soon"])
        #expect(throws: CometError.self) { try Self.scheduler.route(bad, now: 0) }
    }

    @Test("Half messages go to the half topic before any delay applies")
    func half() throws {
        let message = StoredMessage(
            topic: "T", queueID: 1, body: ByteBuffer(), properties: ["TRAN_MSG": "true", "DELAY": "1", "PGROUP": "PG"],
            sysFlag: MessageSysFlag(rawValue: 0x4))
        let held = try Self.scheduler.route(message, now: 0)
        #expect(held.topic == "RMQ_SYS_TRANS_HALF_TOPIC")
        #expect(held.queueID == 0)
        #expect(held.sysFlag.rawValue & 0xC == 0)
        #expect(held.properties["REAL_TOPIC"] == "T")
    }
}
