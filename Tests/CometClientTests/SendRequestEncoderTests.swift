import CometCore
import CometProtocol
import NIOCore
import Testing

@testable import CometClient

@Suite("Send request encoding")
struct SendRequestEncoderTests {
    private func decode(_ frame: ByteBuffer) throws -> RemotingCommand {
        var buffer = frame
        var decoder = RemotingFrameDecoder()
        let command = try #require(try decoder.decode(buffer: &buffer))
        #expect(buffer.readableBytes == 0)
        return command
    }

    private func encode(
        _ send: PreparedSend, queueId: Int32 = 3, opaque: Int32 = 77, oneway: Bool = false
    )
        -> ByteBuffer
    {
        var buffer = ByteBuffer()
        let queue = CometClient.MessageQueue(topic: send.messages[0].topic, brokerName: "b1", queueId: queueId)
        SendRequestEncoder.encode(send, group: "G", queue: queue, opaque: opaque, oneway: oneway, into: &buffer)
        return buffer
    }

    @Test("A single message goes out as SEND_MESSAGE_V2 with a binary header the broker reads back")
    func single() throws {
        let message = Message(
            topic: "Orders", body: Array("hello".utf8), tags: "TagA", keys: ["k1", "k2"],
            properties: ["color": "red", "UNIQ_KEY": "user-chosen", "TAGS": "ignored", "empty": ""], flag: 9,
            delayLevel: 3)
        let send = PreparedSend(
            messages: [message], uniqueIds: ["ID1"], compressedBody: nil, bornTimestamp: 1_700_000_000_123)
        let command = try decode(encode(send))
        #expect(command.serializeType == .rocketmq)
        #expect(command.requestCode == .sendMessageV2)
        #expect(command.opaque == 77)
        #expect(!command.isOneway && !command.isResponse)
        #expect(command.body.map { Array($0.readableBytesView) } == Array("hello".utf8))
        let header = try SendMessageRequestHeader(request: command)
        #expect(
            header
                == SendMessageRequestHeader(
                    producerGroup: "G", topic: "Orders", queueId: 3, sysFlag: 0, bornTimestamp: 1_700_000_000_123,
                    flag: 9,
                    properties: header.properties, reconsumeTimes: 0, unitMode: false, batch: false))
        let properties = MessageProperties.parse(try #require(header.properties))
        #expect(
            properties == [
                "color": "red", "TAGS": "TagA", "KEYS": "k1 k2", "DELAY": "3", "UNIQ_KEY": "ID1", "WAIT": "true",
            ])
    }

    @Test("Oneway sends carry the oneway flag; a compressed body sets sysFlag")
    func onewayCompressed() throws {
        let message = Message(topic: "T", body: [1, 2, 3])
        let zipped = ByteBuffer(bytes: [9, 9])
        let send = PreparedSend(messages: [message], uniqueIds: ["X"], compressedBody: zipped, bornTimestamp: 5)
        let command = try decode(encode(send, oneway: true))
        #expect(command.isOneway)
        #expect(try SendMessageRequestHeader(request: command).sysFlag == MessageSysFlag.compressed.rawValue)
        #expect(command.body.map { Array($0.readableBytesView) } == [9, 9])
    }

    @Test("A batch goes out as SEND_BATCH_MESSAGE whose entries keep body, flag and properties")
    func batch() throws {
        let messages = (0..<3).map { i in
            Message(
                topic: "T", body: Array("body-\(i)".utf8), tags: i == 1 ? "odd" : nil, properties: ["n": "\(i)"],
                flag: Int32(i))
        }
        let send = PreparedSend(
            messages: messages, uniqueIds: ["U0", "U1", "U2"], compressedBody: nil, bornTimestamp: 1)
        let command = try decode(encode(send, queueId: 0))
        #expect(command.requestCode == .sendBatchMessage)
        let header = try SendMessageRequestHeader(request: command)
        #expect(header.batch == true && header.properties == nil && header.queueId == 0)
        let entries = try BatchMessageDecoder.decode(try #require(command.body))
        #expect(entries.count == 3)
        for (i, entry) in entries.enumerated() {
            #expect(Array(entry.body.readableBytesView) == Array("body-\(i)".utf8))
            #expect(entry.flag == Int32(i))
            var expected = ["n": "\(i)", "UNIQ_KEY": "U\(i)", "WAIT": "true"]
            if i == 1 { expected["TAGS"] = "odd" }
            #expect(entry.properties == expected)
        }
    }

    @Test("Decimal text is written without a String", arguments: [Int64.min, -42, 0, 7, 10, 99, Int64.max])
    func decimal(_ value: Int64) {
        var buffer = ByteBuffer()
        buffer.writeDecimal(value)
        #expect(String(buffer: buffer) == String(value))
    }

    @Test("Message ids end with the time since month start and a counter")
    func messageIdTail() {
        let generator = MessageIDGenerator(ip: "10.1.2.3")
        let a = generator.next(nowMillis: 1_700_000_000_000)
        let b = generator.next(nowMillis: 1_700_000_000_000)
        #expect(a.prefix(20) == b.prefix(20))
        let counterA = UInt16(a.suffix(4), radix: 16)!
        let counterB = UInt16(b.suffix(4), radix: 16)!
        #expect(counterB == counterA &+ 1)
        let later = generator.next(nowMillis: 1_700_000_001_000)
        let elapsed = { (id: String) in UInt32(id.dropFirst(20).prefix(8), radix: 16)! }
        #expect(elapsed(later) &- elapsed(a) == 1000)
    }
}
