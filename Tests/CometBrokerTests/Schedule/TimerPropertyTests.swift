import CometBroker
import CometCore
import Testing

@Suite("Timer record properties")
struct TimerPropertyTests {
    func deliverTime(_ properties: [String: String]) -> Int64? {
        Array(MessageProperties.encode(properties).utf8).withUnsafeBytes {
            TimerMessageService.deliverTime(properties: $0)
        }
    }

    @Test("TIMER_OUT_MS is read from the encoded properties wherever it sits")
    func reads() {
        #expect(deliverTime(["TIMER_OUT_MS": "1700000000123"]) == 1_700_000_000_123)
        #expect(deliverTime(["A": "1", "TIMER_OUT_MS": "42", "Z": "x"]) == 42)
        #expect(deliverTime(["XTIMER_OUT_MS": "5", "TIMER_OUT_MS": "7"]) == 7)
    }

    @Test("Missing or malformed values give nil")
    func missing() {
        #expect(deliverTime([:]) == nil)
        #expect(deliverTime(["XTIMER_OUT_MS": "5"]) == nil)
        #expect(deliverTime(["TIMER_OUT_MS": "soon"]) == nil)
    }
}
