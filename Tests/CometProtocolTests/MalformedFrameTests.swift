import CometCore
import CometProtocol
import NIOCore
import NIOEmbedded
import Testing

/// The bad frames every transport test also drives over TCP.
enum BadFrame: String, CaseIterable, Sendable {
    case oversize, negativeLength, lengthTooSmall, headerLongerThanFrame, unknownSerialization, malformedJSON,
        jsonNotObject, binaryTruncated

    var bytes: ByteBuffer {
        switch self {
        case .oversize:
            var b = ByteBuffer()
            b.writeInteger(UInt32(RemotingFrameDecoder.defaultMaxFrameLength + 1))
            b.writeInteger(UInt32(10))
            return b
        case .negativeLength:
            var b = ByteBuffer()
            b.writeInteger(Int32(-5))
            b.writeInteger(UInt32(0))
            return b
        case .lengthTooSmall:
            var b = ByteBuffer()
            b.writeInteger(UInt32(2))
            b.writeBytes([0, 0])
            return b
        case .headerLongerThanFrame:
            var b = ByteBuffer()
            b.writeInteger(UInt32(8))
            b.writeInteger(UInt32(100))
            b.writeBytes([0, 0, 0, 0])
            return b
        case .unknownSerialization:
            return frame(header: Array(#"{"code":105}"#.utf8), serialization: 7)
        case .malformedJSON:
            return frame(header: Array(#"{"code":105,"extFields":{"topic":}"#.utf8))
        case .jsonNotObject:
            return frame(header: Array("[1,2,3]".utf8))
        case .binaryTruncated:
            return frame(header: [0, 105, 0], serialization: 1)
        }
    }

    var expectedCode: CometError.Code {
        switch self {
        case .oversize: return .frameTooLarge
        case .negativeLength, .lengthTooSmall, .headerLongerThanFrame, .unknownSerialization: return .malformedFrame
        case .malformedJSON, .jsonNotObject, .binaryTruncated: return .malformedHeader
        }
    }
}

@Suite("Malformed frames")
struct MalformedFrameTests {
    @Test("Each bad frame is rejected with a specific error", arguments: BadFrame.allCases)
    func rejected(_ bad: BadFrame) throws {
        var buffer = bad.bytes
        var decoder = RemotingFrameDecoder()
        let error = #expect(throws: CometError.self) { _ = try decoder.decode(buffer: &buffer) }
        #expect(error?.code == bad.expectedCode)
    }

    @Test("An over-size frame is rejected from its length alone, before any body arrives")
    func oversizeRejectedEarly() throws {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(1024 * 1024))
        var decoder = RemotingFrameDecoder(maxFrameLength: 64 * 1024)
        #expect(throws: CometError(.frameTooLarge, "")) { _ = try decoder.decode(buffer: &buffer) }
    }

    @Test("A truncated frame at end of stream is an error, an incomplete one otherwise waits")
    func truncated() throws {
        var full = try RemotingCommandEncoder.encode(RemotingCommand(code: 34, extFields: ["k": "v"]))
        var partial = full.readSlice(length: full.readableBytes - 3)!
        var decoder = RemotingFrameDecoder()
        #expect(try decoder.decode(buffer: &partial) == nil)
        #expect(throws: CometError(.malformedFrame, "")) { _ = try decoder.decodeLast(buffer: &partial, seenEOF: true) }
    }

    @Test("On a channel, a bad frame raises an error after earlier good frames were delivered")
    func channelPipeline() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RemotingFrameDecoder()))
        var input = try RemotingCommandEncoder.encode(RemotingCommand(code: 34))
        var bad = BadFrame.malformedJSON.bytes
        input.writeBuffer(&bad)
        #expect(throws: CometError.self) { try channel.writeInbound(input) }
        let good = try channel.readInbound(as: RemotingCommand.self)
        #expect(good?.code == 34)
        _ = try? channel.finish()
    }
}
