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
