import CometCore
import CometProtocol
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

/// Frames a header and body the way a peer would, with any header-length word.
func frame(header: [UInt8], body: [UInt8] = [], serialization: UInt8 = 0) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeInteger(UInt32(4 + header.count + body.count))
    buffer.writeInteger(UInt32(serialization) << 24 | UInt32(header.count))
    buffer.writeBytes(header)
    buffer.writeBytes(body)
    return buffer
}

func sampleCommand(_ serialization: SerializeType) -> RemotingCommand {
    RemotingCommand(
        code: 310, language: .cpp, version: 63, opaque: 4242, flag: 2, remark: "quote \" and \u{1} sep",
        extFields: ["a": "producer", "b": "Topic\u{2}A", "i": "KEYS\u{1}k1 k2\u{2}", "empty": ""],
        body: ByteBuffer(bytes: Array(0...255)), serializeType: serialization)
}

func decodeFrame(_ buffer: ByteBuffer) throws -> RemotingCommand {
    var buffer = buffer
    var decoder = RemotingFrameDecoder()
    return try #require(try decoder.decode(buffer: &buffer))
}

@Suite("Remoting command codec")
struct RemotingCommandCodecTests {
    @Test("Round-trips every header field and the body", arguments: [SerializeType.json, .rocketmq])
    func roundTrip(_ serialization: SerializeType) throws {
        let command = sampleCommand(serialization)
        let decoded = try decodeFrame(try RemotingCommandEncoder.encode(command))
        #expect(decoded.code == command.code)
        #expect(decoded.language == command.language)
        #expect(decoded.version == command.version)
        #expect(decoded.opaque == command.opaque)
        #expect(decoded.flag == command.flag)
        #expect(decoded.remark == command.remark)
        #expect(decoded.extFields == command.extFields)
        #expect(decoded.body == command.body)
        #expect(decoded.serializeType == serialization)
        #expect(decoded.isOneway && !decoded.isResponse)
    }

    @Test("Encodes the serialization type in the top byte of the header-length word")
    func headerLengthWord() throws {
        let json = try RemotingCommandEncoder.encode(sampleCommand(.json))
        let binary = try RemotingCommandEncoder.encode(sampleCommand(.rocketmq))
        #expect(json.getInteger(at: 4, as: UInt32.self)! >> 24 == 0)
        #expect(binary.getInteger(at: 4, as: UInt32.self)! >> 24 == 1)
        #expect(Int(json.getInteger(at: 0, as: UInt32.self)!) == json.readableBytes - 4)
    }

    @Test("Decodes a header exactly as the C++ client writes it")
    func cppHeader() throws {
        let header =
            Array(
                #"{"code":105,"extFields":{"AccessKey":"","OnsChannel":"ALIYUN","Signature":"x=","topic":"TopicTest","queueId":3},"flag":0,"language":"CPP","opaque":7,"remark":"","serializeTypeCurrentRPC":"JSON","version":63}"#
                    .utf8) + [0x0A]
        let command = try decodeFrame(frame(header: header))
        #expect(command.requestCode == .getRouteInfoByTopic)
        #expect(command.language == .cpp)
        #expect(command.version == 63)
        #expect(command.opaque == 7)
        #expect(command.extFields["topic"] == "TopicTest")
        #expect(command.extFields["queueId"] == "3")
        #expect(command.body == nil)
        #expect(
            try command.decodeHeader(GetRouteInfoRequestHeader.self) == GetRouteInfoRequestHeader(topic: "TopicTest"))
    }

    @Test("Responses echo the request's opaque and serialization and write string ext values")
    func responseShape() throws {
        var request = sampleCommand(.rocketmq)
        request.flag = 0
        let response = RemotingCommand.response(
            to: request, code: .topicNotExist, remark: "no route",
            header: RegisterBrokerResponseHeader(haServerAddr: "h:1", masterAddr: nil))
        #expect(response.isResponse)
        #expect(response.opaque == request.opaque)
        #expect(response.serializeType == .rocketmq)
        var jsonResponse = response
        jsonResponse.serializeType = .json
        let encoded = try RemotingCommandEncoder.encode(jsonResponse)
        let text = String(buffer: encoded.getSlice(at: 8, length: encoded.readableBytes - 8)!)
        #expect(text.contains(#""extFields":{"haServerAddr":"h:1"}"#))
        #expect(text.contains(#""code":17"#))
    }

    @Test("The decoder handles any split of a stream of frames")
    func verifier() throws {
        let commands = [sampleCommand(.json), sampleCommand(.rocketmq), RemotingCommand(code: 34)]
        let inputs = try commands.map { command throws -> (ByteBuffer, [RemotingCommand]) in
            (try RemotingCommandEncoder.encode(command), [command])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: inputs, decoderFactory: { RemotingFrameDecoder() })
    }
}
