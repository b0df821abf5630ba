import CometCore
import CometProtocol
import NIOCore
import Testing

@Suite("JSON bodies")
struct BodyTests {
    @Test("Route data is JSON the way RocketMQ clients parse it")
    func routeDataShape() throws {
        let route = TopicRouteData(
            queueDatas: [QueueData(brokerName: "broker-a", readQueueNums: 4, writeQueueNums: 4, perm: .readWrite)],
            brokerDatas: [
                BrokerData(
                    cluster: "DefaultCluster", brokerName: "broker-a",
                    brokerAddrs: [0: "127.0.0.1:10911", 1: "127.0.0.1:10921"])
            ])
        let encoded = route.encoded()
        let text = String(buffer: encoded)
        #expect(text.contains(#""brokerAddrs":{"0":"127.0.0.1:10911","1":"127.0.0.1:10921"}"#))
        #expect(text.contains(#""perm":6"#))
        #expect(!text.contains("orderTopicConf"))
        #expect(try TopicRouteData(body: encoded) == route)
    }

    @Test("A Java broker's registration body decodes")
    func javaRegisterBody() throws {
        let json = #"""
            {"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":3,"stateVersion":0,"timestamp":1700000000000},
            "topicConfigTable":{"TopicTest":{"order":false,"perm":6,"readQueueNums":8,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":8}}}}
            """#
        let body = try RegisterBrokerBody(body: ByteBuffer(string: json))
        #expect(body.dataVersion == DataVersion(timestamp: 1_700_000_000_000, counter: 3))
        #expect(body.topicConfigTable["TopicTest"]?.readQueueNums == 8)
        #expect(try RegisterBrokerBody(body: body.encoded()) == body)
    }

    @Test("Cluster info, topic list and KV table round-trip")
    func roundTrips() throws {
        let cluster = ClusterInfo(
            brokerAddrTable: ["b": BrokerData(cluster: "c", brokerName: "b", brokerAddrs: [0: "x:1"])],
            clusterAddrTable: ["c": ["b"]])
        #expect(try ClusterInfo(body: cluster.encoded()) == cluster)
        let topics = TopicList(topicList: ["A", "B"])
        #expect(try TopicList(body: topics.encoded()) == topics)
        let kv = KVTable(table: ["k": "v"])
        #expect(try KVTable(body: kv.encoded()) == kv)
    }

    @Test("A missing or invalid body is an error, not a crash")
    func invalidBodies() {
        #expect(throws: CometError.self) { try TopicRouteData(body: nil) }
        #expect(throws: CometError.self) { try TopicRouteData(body: ByteBuffer(string: "[]")) }
        #expect(throws: CometError.self) {
            try TopicRouteData(body: ByteBuffer(string: #"{"queueDatas":[{"brokerName":1}]}"#))
        }
    }
}

@Suite("Client bodies")
struct ClientBodyTests {
    @Test("The C++ client's heartbeat (numeric enums, string subVersion, bogus codeSet) decodes")
    func cppHeartbeat() throws {
        let json =
            #"{"clientID":"4761-127.0.0.1@DEFAULT","consumerDataSet":[{"consumeFromWhere":0,"consumeType":1,"groupName":"cgroup","messageModel":1,"subscriptionDataSet":[{"subString":"*","subVersion":"1795236461877","topic":"%RETRY%cgroup"},{"codeSet":[0,0],"subString":"TagA || TagB","subVersion":"1795236461877","tagsSet":["TagA","TagB"],"topic":"TopicTest"}]}]}"#
            + "\n"
        let heartbeat = try HeartbeatData(body: ByteBuffer(string: json))
        #expect(heartbeat.clientID == "4761-127.0.0.1@DEFAULT")
        let consumer = try #require(heartbeat.consumers.first)
        #expect(consumer.consumeType == .consumePassively)
        #expect(consumer.messageModel == .clustering)
        #expect(consumer.consumeFromWhere == .lastOffset)
        let topic = try #require(consumer.subscriptions.first { $0.topic == "TopicTest" })
        #expect(topic.tagsSet == ["TagA", "TagB"])
        #expect(topic.codeSet == [TagHashCode.javaHashCode("TagA"), TagHashCode.javaHashCode("TagB")])
        #expect(topic.subVersion == 1_795_236_461_877)
        #expect(try HeartbeatData(body: heartbeat.encoded()) == heartbeat)
    }

    @Test("A Java heartbeat with enum names and a broadcasting pull consumer decodes")
    func javaHeartbeat() throws {
        let json =
            #"{"clientID":"c","producerDataSet":[{"groupName":"PG"}],"consumerDataSet":[{"groupName":"G","consumeType":"CONSUME_ACTIVELY","messageModel":"BROADCASTING","consumeFromWhere":"CONSUME_FROM_FIRST_OFFSET","subscriptionDataSet":[],"unitMode":false}]}"#
        let heartbeat = try HeartbeatData(body: ByteBuffer(string: json))
        #expect(heartbeat.producerGroups == ["PG"])
        #expect(heartbeat.consumers.first?.consumeType == .consumeActively)
        #expect(heartbeat.consumers.first?.messageModel == .broadcasting)
        #expect(heartbeat.consumers.first?.consumeFromWhere == .firstOffset)
    }

    @Test("Lock bodies and consumer lists round-trip")
    func lockBodies() throws {
        let queues = [
            MessageQueue(topic: "T", brokerName: "b", queueId: 0),
            MessageQueue(topic: "T", brokerName: "b", queueId: 1),
        ]
        let request = LockBatchRequestBody(consumerGroup: "G", clientId: "c", mqSet: queues)
        #expect(try LockBatchRequestBody(body: request.encoded()) == request)
        let response = LockBatchResponseBody(lockOKMQSet: queues)
        #expect(try LockBatchResponseBody(body: response.encoded()) == response)
        let list = ConsumerListBody(consumerIdList: ["a", "b"])
        #expect(try ConsumerListBody(body: list.encoded()) == list)
    }
}
