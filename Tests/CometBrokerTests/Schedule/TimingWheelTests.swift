import CometBroker
import Testing

@Suite("Timing wheel")
struct TimingWheelTests {
    @Test("Entries fire in due order, never before their time")
    func firesOnTime() {
        var wheel = TimingWheel<Int>(precision: 100, now: 10_000)
        do {
            let result = wheel.add(1, deliverAt: 10_250)
            #expect(result)
        }
        do {
            let result = wheel.add(2, deliverAt: 10_101)
            #expect(result)
        }
        do {
            let result = wheel.add(3, deliverAt: 12_000)
            #expect(result)
        }
        #expect(wheel.count == 3)
        do {
            let result = wheel.advance(to: 10_199)
            #expect(result == [])
        }
        do {
            let result = wheel.advance(to: 10_200)
            #expect(result == [2])
        }
        do {
            let result = wheel.advance(to: 10_299)
            #expect(result == [])
        }
        do {
            let result = wheel.advance(to: 10_300)
            #expect(result == [1])
        }
        do {
            let result = wheel.advance(to: 11_999)
            #expect(result == [])
        }
        do {
            let result = wheel.advance(to: 12_000)
            #expect(result == [3])
        }
        #expect(wheel.count == 0)
    }

    @Test("An entry whose bucket has fired is refused so the caller delivers it now")
    func overdue() {
        var wheel = TimingWheel<Int>(precision: 100, now: 5_000)
        _ = wheel.advance(to: 5_500)
        #expect(wheel.isOverdue(5_400))
        do {
            let result = wheel.add(1, deliverAt: 5_400)
            #expect(!result)
        }
        do {
            let result = wheel.add(2, deliverAt: 5_650)
            #expect(result)
        }
        #expect(wheel.count == 1)
    }

    @Test("Advancing costs the buckets passed, not the entries pending; an empty wheel jumps")
    func manyPending() {
        var wheel = TimingWheel<Int>(precision: 100, now: 0)
        for i in 0..<100_000 { wheel.add(i, deliverAt: 1_000_000 + Int64(i % 1000) * 100) }
        do {
            let result = wheel.advance(to: 999_999)
            #expect(result.isEmpty)
        }
        let first = wheel.advance(to: 1_000_000)
        #expect(first.count == 100)
        var empty = TimingWheel<Int>(precision: 100, now: 0)
        do {
            let result = empty.advance(to: 86_400_000_000)
            #expect(result.isEmpty)
        }
        #expect(empty.cursor == 864_000_001)
    }

    @Test("A limit stops between buckets and the rest fires next time")
    func limit() {
        var wheel = TimingWheel<Int>(precision: 10, now: 0)
        for i in 0..<5 { wheel.add(i, deliverAt: 10) }
        for i in 5..<10 { wheel.add(i, deliverAt: 20) }
        do {
            let result = wheel.advance(to: 100, limit: 6)
            #expect(result == [0, 1, 2, 3, 4])
        }
        do {
            let result = wheel.advance(to: 100, limit: 6)
            #expect(result == [5, 6, 7, 8, 9])
        }
    }

    @Test("A wheel resumed at a saved cursor keeps later entries only")
    func resume() {
        var wheel = TimingWheel<Int>(precision: 100, cursor: 50)
        do {
            let result = wheel.add(1, deliverAt: 4_900)
            #expect(!result)
        }
        do {
            let result = wheel.add(2, deliverAt: 5_000)
            #expect(result)
        }
        do {
            let result = wheel.advance(to: 5_000)
            #expect(result == [2])
        }
    }

    @Test("nextDue is the earliest pending bucket, whatever the order entries were added in")
    func nextDue() {
        var wheel = TimingWheel<Int>(precision: 100, now: 0)
        #expect(wheel.nextDue == nil)
        for (value, at) in [(1, 90_000), (2, 250), (3, 7_001), (4, 260)] as [(Int, Int64)] {
            wheel.add(value, deliverAt: at)
        }
        #expect(wheel.nextDue == 300)
        #expect(wheel.advance(to: 300) == [2, 4])
        #expect(wheel.nextDue == 7_100)
        #expect(wheel.advance(to: 89_999) == [3])
        #expect(wheel.nextDue == 90_000)
        #expect(wheel.advance(to: 90_000) == [1])
        #expect(wheel.nextDue == nil && wheel.count == 0)
    }
}
