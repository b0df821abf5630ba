import CometCore
import CometProtocol
import NIOCore
import Testing

/// Encodes `header` into a command, sends it through `serialization`, and decodes it back.
func roundTrip<H: CommandHeader>(_ header: H, _ serialization: SerializeType) throws -> H {
    var command = RemotingCommand.request(.registerBroker, header: header)
    command.serializeType = serialization
    var frame = RemotingCommandEncoder.encode(command)
    var decoder = RemotingFrameDecoder()
    let decoded = try #require(try decoder.decode(buffer: &frame))
    return try decoded.decodeHeader(H.self)
}

@Suite("Typed headers")
struct CommandHeaderTests {
    static let serializations: [SerializeType] = [.json, .rocketmq]

    @Test("Name server headers round-trip through both serializations", arguments: serializations)
    func nameServerHeaders(_ s: SerializeType) throws {
        let register = RegisterBrokerRequestHeader(
            brokerName: "broker-a", brokerAddr: "127.0.0.1:10911", clusterName: "DefaultCluster",
            haServerAddr: "127.0.0.1:10912", brokerId: 1, compressed: false, bodyCrc32: 123_456)
        #expect(try roundTrip(register, s) == register)
        let registerResponse = RegisterBrokerResponseHeader(haServerAddr: "127.0.0.1:10912", masterAddr: "m:1")
        #expect(try roundTrip(registerResponse, s) == registerResponse)
        let unregister = UnregisterBrokerRequestHeader(
            brokerName: "broker-a", brokerAddr: "127.0.0.1:10911", clusterName: "c", brokerId: 0)
        #expect(try roundTrip(unregister, s) == unregister)
        let route = GetRouteInfoRequestHeader(topic: "%RETRY%group", acceptStandardJsonOnly: true)
        #expect(try roundTrip(route, s) == route)
        let delete = DeleteTopicFromNamesrvRequestHeader(topic: "T", clusterName: "c")
        #expect(try roundTrip(delete, s) == delete)
        let perm = BrokerPermRequestHeader(brokerName: "broker-a")
        #expect(try roundTrip(perm, s) == perm)
        #expect(try roundTrip(BrokerPermResponseHeader.wipe(3), s) == .wipe(3))
        #expect(try roundTrip(BrokerPermResponseHeader.add(2), s) == .add(2))
    }

    @Test("KV config headers round-trip through both serializations", arguments: serializations)
    func kvHeaders(_ s: SerializeType) throws {
        let put = PutKVConfigRequestHeader(namespace: "ORDER_TOPIC_CONFIG", key: "T", value: "broker-a:4")
        #expect(try roundTrip(put, s) == put)
        let key = KVConfigKeyRequestHeader(namespace: "ns", key: "k")
        #expect(try roundTrip(key, s) == key)
        let value = GetKVConfigResponseHeader(value: "v")
        #expect(try roundTrip(value, s) == value)
        let list = GetKVListByNamespaceRequestHeader(namespace: "ns")
        #expect(try roundTrip(list, s) == list)
    }

    @Test("Missing or non-numeric fields are reported by name")
    func errorsNameTheField() {
        let missing = #expect(throws: CometError.self) {
            try RegisterBrokerRequestHeader(fields: HeaderFields(["brokerName": "b"]))
        }
        #expect(missing?.message.contains("brokerAddr") == true)
        let notNumber = #expect(throws: CometError.self) {
            try UnregisterBrokerRequestHeader(
                fields: HeaderFields(["brokerName": "b", "brokerAddr": "a", "clusterName": "c", "brokerId": "x"]))
        }
        #expect(notNumber?.message.contains("brokerId") == true)
    }

    @Test("Booleans accept Java and C++ spellings")
    func booleans() throws {
        for (text, value) in [("true", true), ("false", false), ("1", true), ("0", false), ("TRUE", true)] {
            #expect(try HeaderFields(["b": text]).optionalBool("b") == value)
        }
        #expect(throws: CometError.self) { try HeaderFields(["b": "maybe"]).optionalBool("b") }
    }
}
