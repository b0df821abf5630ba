import CometCore
import CometNameServer
import CometProtocol
import CometTestSupport
import InMemoryLogging
import Testing

/// The name server's request processor, driven directly: no socket, a manual clock.
@Suite("Name-server processor without sockets", .timeLimit(.minutes(1)))
struct NameServerProcessorTests {
    let clock = ManualWallClock()
    let logs = InMemoryLogHandler()
    let processor: NameServerProcessor

    init() throws {
        processor = NameServerProcessor(
            kvConfig: try KVConfigManager(path: nil), clock: clock.wallClock, logger: logs.logger())
    }

    private func register(
        _ address: String, topics: [String], on connection: TestConnection
    ) async throws
        -> RemotingCommand?
    {
        let body = RegisterBrokerBody(
            topicConfigTable: Dictionary(uniqueKeysWithValues: topics.map { ($0, TopicConfig(topicName: $0)) }),
            dataVersion: DataVersion(timestamp: 1, counter: 1))
        let request = RemotingCommand.request(
            .registerBroker,
            header: RegisterBrokerRequestHeader(
                brokerName: "broker-a", brokerAddr: address, clusterName: "DefaultCluster", haServerAddr: address,
                brokerId: 0),
            body: body.encoded())
        return try await processor.process(request, connection: connection.connection)
    }

    private func route(_ topic: String, on connection: TestConnection) async throws -> RemotingCommand? {
        try await processor.process(
            .request(.getRouteInfoByTopic, header: GetRouteInfoRequestHeader(topic: topic)),
            connection: connection.connection)
    }

    @Test("A registered broker's topics have routes; unknown topics answer TOPIC_NOT_EXIST")
    func registerAndRoute() async throws {
        let broker = try await TestConnection()
        let registered = try await register("10.0.0.1:10911", topics: ["Orders"], on: broker)
        #expect(registered?.responseCode == .success)
        let found = try await route("Orders", on: broker)
        #expect(found?.responseCode == .success)
        let data = try TopicRouteData(body: found?.body)
        #expect(data.brokerDatas.first?.brokerAddrs[0] == "10.0.0.1:10911")
        #expect(try await route("Missing", on: broker)?.responseCode == .topicNotExist)
        #expect(logs.lines.contains { $0.contains("broker registered") })
    }

    @Test("A broker silent for longer than the expiry is dropped, and the drop is logged")
    func expiry() async throws {
        let broker = try await TestConnection()
        _ = try await register("10.0.0.1:10911", topics: ["Orders"], on: broker)
        clock.advance(by: .seconds(119))
        processor.scanNotActiveBrokers(expiry: .seconds(120))
        #expect(try await route("Orders", on: broker)?.responseCode == .success)
        clock.advance(by: .seconds(2))
        processor.scanNotActiveBrokers(expiry: .seconds(120))
        #expect(try await route("Orders", on: broker)?.responseCode == .topicNotExist)
        #expect(logs.lines.contains { $0.hasPrefix("warning") && $0.contains("broker expired") })
    }

    @Test("Closing the connection a broker registered on removes its routes")
    func connectionClosed() async throws {
        let broker = try await TestConnection()
        let other = try await TestConnection()
        _ = try await register("10.0.0.1:10911", topics: ["Orders"], on: broker)
        processor.connectionClosed(other.connection)
        #expect(try await route("Orders", on: broker)?.responseCode == .success)
        processor.connectionClosed(broker.connection)
        #expect(try await route("Orders", on: broker)?.responseCode == .topicNotExist)
    }

    @Test("A registration whose body fails its CRC is refused")
    func crcMismatch() async throws {
        let broker = try await TestConnection()
        let request = RemotingCommand.request(
            .registerBroker,
            header: RegisterBrokerRequestHeader(
                brokerName: "broker-a", brokerAddr: "10.0.0.1:10911", clusterName: "DefaultCluster",
                haServerAddr: "10.0.0.1:10911", brokerId: 0, bodyCrc32: 12345),
            body: RegisterBrokerBody(topicConfigTable: [:], dataVersion: DataVersion(timestamp: 1, counter: 1))
                .encoded())
        let response = try await processor.process(request, connection: broker.connection)
        #expect(response?.responseCode == .systemError)
        #expect(response?.remark == "crc32 not match")
        #expect(processor.routeTable.brokerLiveTable.isEmpty)
    }

    @Test("KV config: put, get, delete; a missing key answers QUERY_NOT_FOUND")
    func kvConfig() async throws {
        let peer = try await TestConnection()
        let put = try await processor.process(
            .request(.putKVConfig, header: PutKVConfigRequestHeader(namespace: "NS", key: "k", value: "v")),
            connection: peer.connection)
        #expect(put?.responseCode == .success)
        let got = try await processor.process(
            .request(.getKVConfig, header: KVConfigKeyRequestHeader(namespace: "NS", key: "k")),
            connection: peer.connection)
        #expect(try got?.decodeHeader(GetKVConfigResponseHeader.self).value == "v")
        _ = try await processor.process(
            .request(.deleteKVConfig, header: KVConfigKeyRequestHeader(namespace: "NS", key: "k")),
            connection: peer.connection)
        let missing = try await processor.process(
            .request(.getKVConfig, header: KVConfigKeyRequestHeader(namespace: "NS", key: "k")),
            connection: peer.connection)
        #expect(missing?.responseCode == .queryNotFound)
    }

    @Test("An unknown request code answers REQUEST_CODE_NOT_SUPPORTED with a remark")
    func unknownCode() async throws {
        let peer = try await TestConnection()
        let response = try await processor.process(RemotingCommand(code: 31_999), connection: peer.connection)
        #expect(response?.responseCode == .requestCodeNotSupported)
        #expect(response?.remark?.contains("31999") == true)
    }
}
