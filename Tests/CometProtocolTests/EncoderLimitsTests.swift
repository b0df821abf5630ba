import CometCore
import CometProtocol
import NIOCore
import NIOEmbedded
import Testing

@Suite("Frame encoder: refuses what it cannot encode")
struct EncoderLimitsTests {
    @Test("A binary header key over 32 KiB is an error, not a trap")
    func binaryKeyTooLong() {
        let command = RemotingCommand(
            code: 0, extFields: [String(repeating: "k", count: 40_000): "v"], serializeType: .rocketmq)
        #expect(throws: CometError(.frameTooLarge, "")) { try RemotingCommandEncoder.encode(command) }
        // The JSON form has no such limit.
        var json = command
        json.serializeType = .json
        #expect(throws: Never.self) { try RemotingCommandEncoder.encode(json) }
    }

    @Test("A header over 16 MiB is an error instead of a wrapped 24-bit length")
    func headerTooLarge() {
        let command = RemotingCommand(code: 0, remark: String(repeating: "r", count: 17 * 1024 * 1024))
        #expect(throws: CometError(.frameTooLarge, "")) { try RemotingCommandEncoder.encode(command) }
    }

    @Test("In a pipeline, an unencodable response goes out as a SYSTEM_ERROR with the same opaque")
    func responseReplaced() throws {
        let channel = EmbeddedChannel(handler: RemotingCommandEncoder())
        defer { _ = try? channel.finish() }
        var response = RemotingCommand(
            code: 0, opaque: 42, flag: RemotingCommand.responseFlag,
            extFields: [String(repeating: "k", count: 40_000): "v"], serializeType: .rocketmq)
        response.body = ByteBuffer(string: "body")
        try channel.writeOutbound(response)
        var written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        while let more = try channel.readOutbound(as: ByteBuffer.self) {
            var more = more
            written.writeBuffer(&more)
        }
        written.moveReaderIndex(forwardBy: 4)
        let decoded = try RemotingFrameDecoder.decodeFrame(written)
        #expect(decoded.responseCode == .systemError)
        #expect(decoded.opaque == 42)
        #expect(decoded.isResponse)
        #expect(decoded.remark?.contains("cannot be encoded") == true)
        #expect(decoded.body == nil)
    }

    @Test("An unencodable request fails its write")
    func requestFails() throws {
        let channel = EmbeddedChannel(handler: RemotingCommandEncoder())
        defer { _ = try? channel.finish() }
        let request = RemotingCommand(
            code: 10, extFields: [String(repeating: "k", count: 40_000): "v"], serializeType: .rocketmq)
        #expect(throws: CometError(.frameTooLarge, "")) { try channel.writeOutbound(request) }
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }
}
