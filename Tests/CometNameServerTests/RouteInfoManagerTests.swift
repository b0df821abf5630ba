import CometCore
import CometNameServer
import CometProtocol
import Testing

func registration(
    name: String = "broker-a", addr: String = "127.0.0.1:10911", id: Int64 = 0, cluster: String = "DefaultCluster",
    ha: String = "127.0.0.1:10912"
) -> RegisterBrokerRequestHeader {
    RegisterBrokerRequestHeader(
        brokerName: name, brokerAddr: addr, clusterName: cluster, haServerAddr: ha, brokerId: id)
}

func topics(_ names: [String], queues: Int32 = 4, version: Int64 = 1) -> RegisterBrokerBody {
    RegisterBrokerBody(
        topicConfigTable: Dictionary(
            uniqueKeysWithValues: names.map {
                ($0, TopicConfig(topicName: $0, readQueueNums: queues, writeQueueNums: queues))
            }),
        dataVersion: DataVersion(timestamp: 1000, counter: version))
}

@Suite("Route info manager")
struct RouteInfoManagerTests {
    @Test("A registered master's topics get routes with its address under id 0")
    func registerAndRoute() throws {
        var table = RouteInfoManager()
        _ = table.registerBroker(registration(), body: topics(["TopicTest"]), connectionID: 1, now: 0)
        let route = try #require(table.topicRoute("TopicTest"))
        #expect(
            route.queueDatas == [
                QueueData(brokerName: "broker-a", readQueueNums: 4, writeQueueNums: 4, perm: .readWrite)
            ])
        #expect(
            route.brokerDatas == [
                BrokerData(cluster: "DefaultCluster", brokerName: "broker-a", brokerAddrs: [0: "127.0.0.1:10911"])
            ])
        #expect(table.topicRoute("Unknown") == nil)
        #expect(table.allTopics == ["TopicTest"])
        #expect(table.clusterInfo.clusterAddrTable == ["DefaultCluster": ["broker-a"]])
    }

    @Test("Brokers that stop registering expire; those that refresh stay")
    func expiry() {
        var table = RouteInfoManager()
        _ = table.registerBroker(registration(), body: topics(["A"]), connectionID: 1, now: 0)
        _ = table.registerBroker(
            registration(name: "broker-b", addr: "127.0.0.1:20911"), body: topics(["A", "B"]), connectionID: 2, now: 0)
        _ = table.registerBroker(
            registration(name: "broker-b", addr: "127.0.0.1:20911"), body: topics(["A", "B"]), connectionID: 2,
            now: 100_000)
        #expect(table.removeExpiredBrokers(now: 120_000, expiryMillis: 120_000) == [])
        #expect(table.removeExpiredBrokers(now: 120_001, expiryMillis: 120_000) == ["127.0.0.1:10911"])
        #expect(table.topicRoute("A")?.brokerDatas.map(\.brokerName) == ["broker-b"])
        #expect(table.removeExpiredBrokers(now: 220_001, expiryMillis: 120_000) == ["127.0.0.1:20911"])
        #expect(table.topicRoute("A") == nil)
        #expect(table.topicRoute("B") == nil)
        #expect(table.clusterInfo.brokerAddrTable.isEmpty)
        #expect(table.clusterInfo.clusterAddrTable.isEmpty)
    }

    @Test("A slave learns its master's address and HA address; topics come from the master only")
    func masterSlave() throws {
        var table = RouteInfoManager()
        let slaveFirst = table.registerBroker(
            registration(addr: "127.0.0.1:10921", id: 1), body: topics(["S"]), connectionID: 2, now: 0)
        #expect(slaveFirst.masterAddr == nil)
        #expect(table.topicRoute("S") == nil)
        _ = table.registerBroker(registration(), body: topics(["T"]), connectionID: 1, now: 0)
        let slave = table.registerBroker(
            registration(addr: "127.0.0.1:10921", id: 1), body: topics(["S"]), connectionID: 2, now: 1)
        #expect(slave == RegisterBrokerResult(haServerAddr: "127.0.0.1:10912", masterAddr: "127.0.0.1:10911"))
        let route = try #require(table.topicRoute("T"))
        #expect(route.brokerDatas.first?.brokerAddrs == [0: "127.0.0.1:10911", 1: "127.0.0.1:10921"])

        // The master goes away: the slave still serves reads.
        table.unregisterBroker(
            UnregisterBrokerRequestHeader(
                brokerName: "broker-a", brokerAddr: "127.0.0.1:10911", clusterName: "DefaultCluster", brokerId: 0))
        #expect(table.topicRoute("T")?.brokerDatas.first?.brokerAddrs == [1: "127.0.0.1:10921"])
    }

    @Test("A closed connection drops the brokers registered on it at once")
    func connectionClosed() {
        var table = RouteInfoManager()
        _ = table.registerBroker(registration(), body: topics(["A"]), connectionID: 7, now: 0)
        #expect(table.connectionClosed(8) == [])
        #expect(table.connectionClosed(7) == ["127.0.0.1:10911"])
        #expect(table.topicRoute("A") == nil)
    }

    @Test("A new data version replaces the broker's topics; an unchanged one keeps them")
    func dataVersion() throws {
        var table = RouteInfoManager()
        _ = table.registerBroker(registration(), body: topics(["A", "B"], version: 1), connectionID: 1, now: 0)
        _ = table.registerBroker(registration(), body: topics(["A"], queues: 8, version: 1), connectionID: 1, now: 1)
        #expect(table.topicRoute("B") != nil)
        #expect(table.topicRoute("A")?.queueDatas.first?.writeQueueNums == 4)
        _ = table.registerBroker(registration(), body: topics(["A"], queues: 8, version: 2), connectionID: 1, now: 2)
        #expect(table.topicRoute("B") == nil)
        #expect(table.topicRoute("A")?.queueDatas.first?.writeQueueNums == 8)
    }

    @Test("Deleting a topic and toggling write permission")
    func deleteAndPermissions() {
        var table = RouteInfoManager()
        _ = table.registerBroker(registration(), body: topics(["A", "B"]), connectionID: 1, now: 0)
        #expect(table.setWritePermission(of: "broker-a", enabled: false) == 2)
        #expect(table.topicRoute("A")?.queueDatas.first?.perm == .read)
        #expect(table.setWritePermission(of: "broker-a", enabled: true) == 2)
        #expect(table.topicRoute("A")?.queueDatas.first?.perm == .readWrite)
        table.deleteTopic("A", cluster: "OtherCluster")
        #expect(table.topicRoute("A") != nil)
        table.deleteTopic("A", cluster: "DefaultCluster")
        #expect(table.topicRoute("A") == nil)
        table.deleteTopic("B")
        #expect(table.allTopics.isEmpty)
    }
}
