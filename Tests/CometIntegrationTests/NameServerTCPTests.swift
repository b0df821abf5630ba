import CometCore
import CometNameServer
import CometProtocol
import CometRemoting
import CometTestSupport
import Logging
import NIOCore
import Testing

func registerRequest(_ brokerAddr: String, topics: [String], serialization: SerializeType = .json) -> RemotingCommand {
    let body = RegisterBrokerBody(
        topicConfigTable: Dictionary(uniqueKeysWithValues: topics.map { ($0, TopicConfig(topicName: $0)) }),
        dataVersion: DataVersion(timestamp: 1, counter: 1))
    var request = RemotingCommand.request(
        .registerBroker,
        header: RegisterBrokerRequestHeader(
            brokerName: "broker-a", brokerAddr: brokerAddr, clusterName: "DefaultCluster",
            haServerAddr: "127.0.0.1:10912", brokerId: 0),
        body: body.encoded())
    request.serializeType = serialization
    return request
}

@Suite("Name server over TCP", .timeLimit(.minutes(3)))
struct NameServerTCPTests {
    @Test(
        "Register, fetch the route, let the broker expire, then TOPIC_NOT_EXIST",
        arguments: [SerializeType.json, .rocketmq])
    func registerRouteExpire(_ serialization: SerializeType) async throws {
        try await withNameServer(brokerExpiry: .milliseconds(600), scanInterval: .milliseconds(100)) { address, _ in
            let client = RemotingClient(logger: Logger(label: "test"))
            let registered = try await client.invoke(
                registerRequest("127.0.0.1:10911", topics: ["TopicTest"], serialization: serialization), to: address,
                timeout: .seconds(5))
            #expect(registered.responseCode == .success)
            #expect(registered.serializeType == serialization)

            var routeRequest = RemotingCommand.request(
                .getRouteInfoByTopic, header: GetRouteInfoRequestHeader(topic: "TopicTest"))
            routeRequest.serializeType = serialization
            let found = try await client.invoke(routeRequest, to: address, timeout: .seconds(5))
            #expect(found.responseCode == .success)
            let route = try TopicRouteData(body: found.body)
            #expect(route.brokerDatas.first?.brokerAddrs == [0: "127.0.0.1:10911"])
            #expect(route.queueDatas.first?.writeQueueNums == 4)

            let request = routeRequest
            let expired = try await withTimeout(.seconds(5)) {
                while true {
                    let response = try await client.invoke(request, to: address, timeout: .seconds(5))
                    if response.responseCode != .success { return response }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(expired.responseCode == .topicNotExist)
            #expect(expired.remark?.contains("TopicTest") == true)
            await client.shutdown()
        }
    }

    @Test("A broker whose connection closes is dropped at once")
    func dropOnClose() async throws {
        try await withNameServer { address, nameServer in
            let broker = RemotingClient(logger: Logger(label: "test"))
            _ = try await broker.invoke(
                registerRequest("127.0.0.1:10911", topics: ["A"]), to: address, timeout: .seconds(5))
            #expect(nameServer.processor.routeTable.topicRoute("A") != nil)
            await broker.shutdown()
            try await withTimeout(.seconds(5)) {
                while nameServer.processor.routeTable.topicRoute("A") != nil {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
    }

    @Test("Cluster info, topic list, topic deletion and KV config over the wire")
    func adminCodes() async throws {
        try await withNameServer { address, _ in
            let client = RemotingClient(logger: Logger(label: "test"))
            _ = try await client.invoke(
                registerRequest("127.0.0.1:10911", topics: ["A", "B"]), to: address, timeout: .seconds(5))

            let cluster = try ClusterInfo(
                body: try await client.invoke(.request(.getBrokerClusterInfo), to: address, timeout: .seconds(5)).body)
            #expect(cluster.clusterAddrTable == ["DefaultCluster": ["broker-a"]])

            let list = try await client.invoke(
                .request(.getAllTopicListFromNameServer), to: address, timeout: .seconds(5))
            #expect(try TopicList(body: list.body).topicList == ["A", "B"])

            let deleted = try await client.invoke(
                .request(.deleteTopicInNamesrv, header: DeleteTopicFromNamesrvRequestHeader(topic: "A")), to: address,
                timeout: .seconds(5))
            #expect(deleted.responseCode == .success)
            let after = try await client.invoke(
                .request(.getAllTopicListFromNameServer), to: address, timeout: .seconds(5))
            #expect(try TopicList(body: after.body).topicList == ["B"])

            _ = try await client.invoke(
                .request(
                    .putKVConfig,
                    header: PutKVConfigRequestHeader(namespace: "ORDER_TOPIC_CONFIG", key: "B", value: "broker-a:4")),
                to: address, timeout: .seconds(5))
            let value = try await client.invoke(
                .request(.getKVConfig, header: KVConfigKeyRequestHeader(namespace: "ORDER_TOPIC_CONFIG", key: "B")),
                to: address, timeout: .seconds(5))
            #expect(try value.decodeHeader(GetKVConfigResponseHeader.self).value == "broker-a:4")
            let route = try await client.invoke(
                .request(.getRouteInfoByTopic, header: GetRouteInfoRequestHeader(topic: "B")), to: address,
                timeout: .seconds(5))
            #expect(try TopicRouteData(body: route.body).orderTopicConf == "broker-a:4")
            let missing = try await client.invoke(
                .request(.getKVConfig, header: KVConfigKeyRequestHeader(namespace: "ns", key: "nope")), to: address,
                timeout: .seconds(5))
            #expect(missing.responseCode == .queryNotFound)
            await client.shutdown()
        }
    }
}
