import CometCore
import CometNameServer
import CometProtocol
import Testing

@Suite("Route info manager: unauthenticated registrations")
struct RouteTrustTests {
    @Test("A registration from another address does not evict a live broker of the same name and id")
    func liveBrokerIsNotEvicted() throws {
        var table = RouteInfoManager()
        _ = table.registerBroker(registration(), body: topics(["A"]), connectionID: 1, now: 0)
        let result = table.registerBroker(
            registration(addr: "10.0.0.66:10911"), body: topics([]), connectionID: 2, now: 1_000, expiryMillis: 120_000)
        #expect(result.refusedForLiveAddr == "127.0.0.1:10911")
        #expect(table.brokerAddrTable["broker-a"]?.brokerAddrs == [0: "127.0.0.1:10911"])
        #expect(table.brokerLiveTable["10.0.0.66:10911"] == nil)
        #expect(table.topicRoute("A") != nil)
        // The refused peer's connection closing changes nothing.
        #expect(table.connectionClosed(2).isEmpty)
        #expect(table.topicRoute("A") != nil)
    }

    @Test("Once the old broker expired, another address may take its name and id")
    func expiredBrokerIsReplaced() {
        var table = RouteInfoManager()
        _ = table.registerBroker(registration(), body: topics(["A"]), connectionID: 1, now: 0)
        let result = table.registerBroker(
            registration(addr: "10.0.0.7:10911"), body: topics(["B"]), connectionID: 2, now: 130_000,
            expiryMillis: 120_000)
        #expect(result.refusedForLiveAddr == nil)
        #expect(table.brokerAddrTable["broker-a"]?.brokerAddrs == [0: "10.0.0.7:10911"])
    }

    @Test("A connection closing removes only what was registered over it")
    func closeRemovesOnlyItsOwn() {
        var table = RouteInfoManager()
        _ = table.registerBroker(registration(), body: topics(["A"]), connectionID: 1, now: 0)
        // Someone else refreshes the same address over their own connection, then disconnects.
        _ = table.registerBroker(registration(), body: topics(["A"]), connectionID: 9, now: 10)
        #expect(table.connectionClosed(9).isEmpty)
        #expect(table.topicRoute("A") != nil)
        // The broker's own connection closing drops it.
        #expect(table.connectionClosed(1) == ["127.0.0.1:10911"])
        #expect(table.topicRoute("A") == nil)
    }
}
