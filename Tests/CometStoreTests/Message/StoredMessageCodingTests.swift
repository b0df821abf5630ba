import CometCore
import CometTestSupport
import NIOCore
import Testing

@Suite("Stored message layout", .timeLimit(.minutes(3)))
struct StoredMessageCodingTests {
    @Test("Encode then decode is the identity, with a correct body CRC")
    func roundTrip() throws {
        var message = StoreTestMessages.make(
            index: 7, bodySize: 300, tags: "TagA", keys: ["k1", "k2"], uniqueKey: "U1")
        message.queueOffset = 42
        message.physicalOffset = 4096
        message.storeTimestamp = 1_700_000_000_123
        message.storeHost = MessageHost(address: [192, 168, 1, 2], port: 10911)
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        let length = try message.encode(into: &buffer)
        #expect(length == buffer.readableBytes)
        #expect(length == 91 + 300 + "TopicTest".utf8.count + MessageProperties.encode(message.properties).utf8.count)
        let decoded = try #require(try StoredMessage.read(from: &buffer, verifyCRC: true))
        var expected = message
        expected.bodyCRC = decoded.bodyCRC
        #expect(decoded == expected)
        #expect(decoded.tags == "TagA")
        #expect(decoded.keys == ["k1", "k2"])
    }

    @Test("IPv6 hosts shift the store timestamp and set sysflag bits")
    func ipv6Hosts() throws {
        var message = StoreTestMessages.make(index: 1)
        message.bornHost = MessageHost(address: Array(repeating: 1, count: 16), port: 1)
        message.storeTimestamp = 99
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        try message.encode(into: &buffer)
        let decoded = try StoredMessage.decodeAll(buffer)[0]
        #expect(decoded.sysFlag.contains(.bornHostV6))
        #expect(decoded.storeTimestamp == 99)
        #expect(buffer.getInteger(at: 68, as: Int64.self) == 99)
    }

    @Test("Corrupted body fails the CRC check")
    func corruptedBody() throws {
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        try StoreTestMessages.make(index: 1).encode(into: &buffer)
        buffer.setInteger(UInt8(0xFF), at: 90)
        #expect(throws: MessageFormatError.self) { try StoredMessage.decodeAll(buffer, verifyCRC: true) }
        #expect(throws: MessageFormatError.self) { try StoredMessage.decodeAll(buffer.getSlice(at: 0, length: 50)!) }
    }

    @Test(
        "Java hashCode tag codes",
        arguments: [
            ("TagA", Int64(2_598_919)), ("TagB", 2_598_920), ("*", 42), ("a", 97), ("订单", 1_129_459),
            ("abcdefghij", -634_317_659), ("", 0),
        ])
    func tagHash(tag: String, code: Int64) {
        #expect(TagHashCode.tagsCode(tag) == code)
    }

    @Test("CRC32 matches the standard check value")
    func crc() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let long = [UInt8](repeating: 0x5A, count: 1000)
        var bytewise: UInt32 = 0
        for byte in long { bytewise = [byte].withUnsafeBytes { CRC32.checksum($0, initial: bytewise) } }
        #expect(CRC32.checksum(long) == bytewise)
    }

    @Test("Property strings parse with Java semantics, with or without the final separator")
    func properties() {
        #expect(MessageProperties.parse("KEYS\u{1}k1 k2\u{2}TAGS\u{1}TagA") == ["KEYS": "k1 k2", "TAGS": "TagA"])
        #expect(MessageProperties.parse("A\u{1}\u{2}\u{1}B\u{2}C\u{1}D\u{2}junk\u{2}") == ["C": "D"])
        #expect(MessageProperties.encode(["b": "2", "a": "1"]) == "a\u{1}1\u{2}b\u{1}2\u{2}")
    }

    @Test("Batch bodies decode entry by entry and reject truncation")
    func batch() throws {
        let entries = (0..<3).map { index in
            BatchMessageEntry(
                flag: Int32(index), body: ByteBuffer(string: "b\(index)"), properties: ["UNIQ_KEY": "U\(index)"])
        }
        let body = BatchMessageDecoder.encode(entries)
        #expect(try BatchMessageDecoder.decode(body) == entries)
        #expect(throws: MessageFormatError.self) {
            try BatchMessageDecoder.decode(body.getSlice(at: 0, length: body.readableBytes - 1)!)
        }
    }

    @Test("Offset message ids round-trip and decode to the physical offset")
    func offsetMessageID() {
        let id = OffsetMessageID(storeHost: MessageHost(address: [10, 0, 0, 7], port: 10911), commitLogOffset: 123_456)
        #expect(id.description == "0A00000700002A9F000000000001E240")
        #expect(OffsetMessageID(id.description) == id)
        #expect(OffsetMessageID("0a00000700002a9f000000000001e240")?.commitLogOffset == 123_456)
        #expect(OffsetMessageID("XYZ") == nil)
    }
}
