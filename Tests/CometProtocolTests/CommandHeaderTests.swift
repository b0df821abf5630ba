import CometCore
import CometProtocol
import NIOCore
import Testing

/// Encodes `header` into a command, sends it through `serialization`, and decodes it back.
func roundTrip<H: CommandHeader>(_ header: H, _ serialization: SerializeType) throws -> H {
    var command = RemotingCommand.request(.registerBroker, header: header)
    command.serializeType = serialization
    var frame = try RemotingCommandEncoder.encode(command)
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
            try RegisterBrokerRequestHeader(fields: ExtFields(["brokerName": "b"]))
        }
        #expect(missing?.message.contains("brokerAddr") == true)
        let notNumber = #expect(throws: CometError.self) {
            try UnregisterBrokerRequestHeader(
                fields: ExtFields(["brokerName": "b", "brokerAddr": "a", "clusterName": "c", "brokerId": "x"]))
        }
        #expect(notNumber?.message.contains("brokerId") == true)
    }

    @Test("Booleans accept Java and C++ spellings")
    func booleans() throws {
        for (text, value) in [
            ("true", true), ("false", false), ("1", true), ("0", false), ("TRUE", true), (" 1 ", true),
        ] {
            let header = try GetRouteInfoRequestHeader(fields: ["topic": "T", "acceptStandardJsonOnly": text])
            #expect(header.acceptStandardJsonOnly == value)
        }
        let invalid = #expect(throws: CometError.self) {
            try GetRouteInfoRequestHeader(fields: ["topic": "T", "acceptStandardJsonOnly": "maybe"])
        }
        #expect(invalid?.message.contains("acceptStandardJsonOnly") == true)
    }
}

@Suite("Broker headers")
struct BrokerHeaderTests {
    @Test(
        "Send headers round-trip, and V2 one-letter keys map to the same fields",
        arguments: CommandHeaderTests.serializations)
    func sendHeaders(_ s: SerializeType) throws {
        let send = SendMessageRequestHeader(
            producerGroup: "PG", topic: "T", defaultTopic: "TBW102", defaultTopicQueueNums: 4, queueId: 3, sysFlag: 1,
            bornTimestamp: 1_700_000_000_123, flag: 9, properties: "KEYS\u{1}k\u{2}TAGS\u{1}t\u{2}", reconsumeTimes: 2,
            unitMode: false, batch: true, maxReconsumeTimes: 16)
        #expect(try roundTrip(send, s) == send)
        let v2 = send.v2Fields
        #expect(v2["a"] == "PG" && v2["b"] == "T" && v2["e"] == "3" && v2["m"] == "true" && v2["l"] == "16")
        #expect(try SendMessageRequestHeader(request: RemotingCommand(code: 310, extFields: v2)) == send)
        #expect(try SendMessageRequestHeader(request: RemotingCommand(code: 320, extFields: v2)) == send)
        #expect(try SendMessageRequestHeader(request: RemotingCommand(code: 10, extFields: send.fields)) == send)
        let response = SendMessageResponseHeader(msgId: "0A00000100002A9F0000000000000000", queueId: 3, queueOffset: 77)
        #expect(try roundTrip(response, s) == response)
    }

    @Test("The C++ client's batch flag \"1\" counts as a batch")
    func cppBatchFlag() throws {
        let header = try SendMessageRequestHeader(
            fields: ExtFields(["producerGroup": "PG", "topic": "T", "queueId": "0", "batch": "1", "unitMode": "0"]))
        #expect(header.batch == true)
        #expect(header.unitMode == false)
    }

    @Test("Pull, offset and client headers round-trip", arguments: CommandHeaderTests.serializations)
    func otherHeaders(_ s: SerializeType) throws {
        let pull = PullMessageRequestHeader(
            consumerGroup: "CG", topic: "T", queueId: 1, queueOffset: 12, maxMsgNums: 32,
            sysFlag: [.commitOffset, .suspend, .subscription], commitOffset: 11, suspendTimeoutMillis: 15000,
            subscription: "TagA || TagB", subVersion: 1_700_000_000_000, expressionType: "TAG")
        #expect(try roundTrip(pull, s) == pull)
        let pullResponse = PullMessageResponseHeader(
            suggestWhichBrokerId: 0, nextBeginOffset: 13, minOffset: 0, maxOffset: 20)
        #expect(try roundTrip(pullResponse, s) == pullResponse)
        let queue = TopicQueueRequestHeader(topic: "T", queueId: 2)
        #expect(try roundTrip(queue, s) == queue)
        let search = SearchOffsetRequestHeader(topic: "T", queueId: 2, timestamp: 1_700_000_000_000)
        #expect(try roundTrip(search, s) == search)
        #expect(try roundTrip(OffsetResponseHeader(offset: 5), s) == OffsetResponseHeader(offset: 5))
        #expect(try roundTrip(OffsetResponseHeader(timestamp: 6), s) == OffsetResponseHeader(timestamp: 6))
        let query = QueryConsumerOffsetRequestHeader(consumerGroup: "CG", topic: "T", queueId: 1)
        #expect(try roundTrip(query, s) == query)
        let update = UpdateConsumerOffsetRequestHeader(consumerGroup: "CG", topic: "T", queueId: 1, commitOffset: 9)
        #expect(try roundTrip(update, s) == update)
        let group = ConsumerGroupHeader(consumerGroup: "CG")
        #expect(try roundTrip(group, s) == group)
        let unregister = UnregisterClientRequestHeader(
            clientID: "1-127.0.0.1@x", producerGroup: "PG", consumerGroup: "CG")
        #expect(try roundTrip(unregister, s) == unregister)
        let running = GetConsumerRunningInfoRequestHeader(consumerGroup: "CG", clientId: "c", jstackEnable: true)
        #expect(try roundTrip(running, s) == running)
        let create = CreateTopicRequestHeader(topic: "T", readQueueNums: 8, writeQueueNums: 8, perm: 6, order: true)
        #expect(try roundTrip(create, s) == create)
        let delete = DeleteTopicRequestHeader(topic: "T")
        #expect(try roundTrip(delete, s) == delete)
    }
}
