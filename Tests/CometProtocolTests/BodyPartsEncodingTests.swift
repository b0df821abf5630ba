import CometCore
import CometProtocol
import NIOCore
import NIOEmbedded
import Testing

@Suite("Body parts")
struct BodyPartsEncodingTests {
    private func response(_ serialization: SerializeType) -> RemotingCommand {
        var command = RemotingCommand(
            code: 0, opaque: 7, flag: RemotingCommand.responseFlag, extFields: ["nextBeginOffset": "32"],
            body: ByteBuffer(bytes: Array(0..<100)), serializeType: serialization)
        command.bodyParts = [ByteBuffer(bytes: Array(100..<200)), ByteBuffer(), ByteBuffer(bytes: Array(200..<255))]
        return command
    }

    @Test(
        "The frame counts body and parts; a peer decodes them as one body", arguments: [SerializeType.json, .rocketmq])
    func wholeFrame(_ serialization: SerializeType) throws {
        let command = response(serialization)
        #expect(command.bodyLength == 255)
        let frame = try RemotingCommandEncoder.encode(command)
        #expect(Int(frame.getInteger(at: 0, as: UInt32.self)!) == frame.readableBytes - 4)
        let decoded = try decodeFrame(frame)
        #expect(decoded.body == ByteBuffer(bytes: Array(0..<255)))
        #expect(decoded.bodyParts.isEmpty)
        #expect(decoded.extFields == command.extFields)
    }

    @Test("The pipeline encoder writes the head, the body and each part, in order, as separate buffers")
    func pipelineWrites() throws {
        let channel = EmbeddedChannel(handler: RemotingCommandEncoder())
        try channel.writeOutbound(response(.json))
        var written: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { written.append(buffer) }
        // Head, body, and the two non-empty parts (views are never merged into one buffer).
        #expect(written.count >= 4)
        var joined = ByteBuffer()
        for var buffer in written { joined.writeBuffer(&buffer) }
        let decoded = try decodeFrame(joined)
        #expect(decoded.body == ByteBuffer(bytes: Array(0..<255)))
        #expect(try channel.finish().isClean)
    }

    @Test("Parts without a body are sent too")
    func partsOnly() throws {
        var command = response(.rocketmq)
        command.body = nil
        let channel = EmbeddedChannel(handler: RemotingCommandEncoder())
        try channel.writeOutbound(command)
        var joined = ByteBuffer()
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { joined.writeBuffer(&buffer) }
        #expect(try decodeFrame(joined).body == ByteBuffer(bytes: Array(100..<255)))
        #expect(try channel.finish().isClean)
    }
}
