import CometConnect
import Testing

@Suite("Cutting file bytes into lines and events")
struct LineAssemblerTests {
    static let text = Array("first\nsecond line\r\n\nthird\nunfinished".utf8)

    @Test("Lines and offsets are the same however the bytes are split into chunks", arguments: [1, 2, 3, 7, 64])
    func anyChunkSize(chunk: Int) {
        var assembler = LineAssembler(startingAt: 100)
        var lines: [TailEvent] = []
        var position = 0
        while position < Self.text.count {
            let end = min(position + chunk, Self.text.count)
            Self.text[position..<end].withUnsafeBytes { assembler.append($0, into: &lines) }
            position = end
        }
        #expect(lines.map { String(decoding: $0.body, as: UTF8.self) } == ["first", "second line", "third"])
        #expect(lines.map(\.offset) == [100, 106, 120])
        #expect(lines.map(\.end) == [106, 119, 126])
        #expect(assembler.pendingOffset == 126)
        let last = assembler.flush()
        #expect(last == TailEvent(body: Array("unfinished".utf8), offset: 126, end: 136))
        #expect(assembler.pendingOffset == 136)
    }

    @Test("A line longer than the limit becomes several events instead of growing without bound")
    func oversizedLine() {
        var assembler = LineAssembler(startingAt: 0, maxLineBytes: 4)
        var lines: [TailEvent] = []
        Array("abcdefghij\nxy\n".utf8).withUnsafeBytes { assembler.append($0, into: &lines) }
        #expect(lines.map { String(decoding: $0.body, as: UTF8.self) } == ["abcd", "efgh", "ij", "xy"])
        #expect(lines.map(\.offset) == [0, 4, 8, 11])
    }

    @Test("Continuation lines join the event their start line opened")
    func multiline() {
        var joiner = MultilineJoiner { $0.hasPrefix("2026-") }
        let lines = [("2026-01 error", 0), ("  at a()", 14), ("  at b()", 23), ("2026-02 ok", 32)].map {
            TailEvent(body: Array($0.0.utf8), offset: Int64($0.1), end: Int64($0.1 + $0.0.utf8.count + 1))
        }
        #expect(joiner.add(lines[0]) == nil)
        #expect(joiner.add(lines[1]) == nil)
        #expect(joiner.add(lines[2]) == nil)
        #expect(joiner.pendingOffset == 0)
        let first = joiner.add(lines[3])
        #expect(first.map { String(decoding: $0.body, as: UTF8.self) } == "2026-01 error\n  at a()\n  at b()")
        #expect(first?.end == 32)
        #expect(joiner.pendingOffset == 32)
        #expect(joiner.flush()?.offset == 32)
        #expect(joiner.pendingOffset == nil)
    }
}
