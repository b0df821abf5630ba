import CometBroker
import CometCore
import Testing

@Suite("Delay levels")
struct DelayLevelTableTests {
    @Test("The default table has RocketMQ's 18 levels from 1 s to 2 h")
    func defaults() throws {
        let table = try DelayLevelTable(parsing: DelayLevelTable.defaultLevels)
        #expect(table.maxLevel == 18)
        #expect(table.delayMillis(level: 1) == 1000)
        #expect(table.delayMillis(level: 2) == 5000)
        #expect(table.delayMillis(level: 5) == 60_000)
        #expect(table.delayMillis(level: 18) == 7_200_000)
    }

    @Test("Units ms, s, m, h and d parse; levels above the top are capped; 0 means no delay")
    func parsing() throws {
        let table = try DelayLevelTable(parsing: "250ms  1s 2m\t3h 1d")
        #expect(table.delays == [250, 1000, 120_000, 10_800_000, 86_400_000])
        #expect(table.level(for: 0) == nil)
        #expect(table.level(for: -3) == nil)
        #expect(table.level(for: 2) == 2)
        #expect(table.level(for: 99) == 5)
    }

    @Test("Malformed level lists are rejected", arguments: ["", "1x", "s", "1s five", "-1s"])
    func malformed(_ text: String) {
        #expect(throws: CometError.self) { try DelayLevelTable(parsing: text) }
    }

    @Test("broker.conf accepts messageDelayLevel and the transaction keys")
    func brokerConf() throws {
        var configuration = BrokerConfiguration(dataDirectory: "/tmp/x")
        let warnings = try configuration.apply(
            properties:
                "messageDelayLevel=1s 2s 3s\ntransactionCheckInterval=2000\ntransactionTimeOut=1000\ntransactionCheckMax=3\n"
        )
        #expect(warnings.isEmpty)
        #expect(configuration.messageDelayLevel == "1s 2s 3s")
        #expect(configuration.transactionCheckInterval == .seconds(2))
        #expect(configuration.transactionTimeout == .seconds(1))
        #expect(configuration.transactionCheckMax == 3)
        #expect(throws: CometError.self) { try configuration.apply(properties: "messageDelayLevel=soon") }
    }
}
