import CometBroker
import CometCore
import CometProtocol
import CometStore
import Foundation
import Testing

@Suite("broker.conf as java.util.Properties, and runtime updates")
struct BrokerConfigPropertiesTests {
    @Test("Space-separated pairs, colons, continuations and escapes read as Properties.load reads them")
    func propertiesSyntax() throws {
        var configuration = BrokerConfiguration(dataDirectory: "/tmp/x")
        let warnings = try configuration.apply(
            properties: """
                brokerClusterName  ProdCluster
                brokerName:broker\\u002Dc
                ! a comment
                namesrvAddr=10.0.0.1:9876;\\
                    10.0.0.2:9876
                mapedFileSizeCommitLog 2097152
                """)
        #expect(warnings.isEmpty)
        #expect(configuration.clusterName == "ProdCluster")
        #expect(configuration.brokerName == "broker-c")
        #expect(configuration.nameServers.map(\.description) == ["10.0.0.1:9876", "10.0.0.2:9876"])
        #expect(configuration.store.commitLogSegmentSize == 2_097_152)
        // A bare word is a key with an empty value to Properties.load: reported, not fatal.
        let bare = try configuration.apply(properties: "nonsense")
        #expect(bare.count == 1 && bare[0].contains("nonsense"))
    }

    @Test("Replication keys of a RocketMQ master/slave pair are read without warnings")
    func replicationKeys() throws {
        var configuration = BrokerConfiguration(dataDirectory: "/tmp/x")
        let warnings = try configuration.apply(
            properties: """
                brokerId=1
                brokerRole=SLAVE
                haListenPort=30912
                haMasterAddress=10.0.0.9:10912
                brokerIP2=10.0.0.3
                haSendHeartbeatInterval=2000
                haTransferBatchSize=65536
                haSlaveFallbehindMax=1048576
                slaveTimeout=1500
                slaveReadEnable=true
                """)
        #expect(warnings.isEmpty)
        #expect(configuration.role == .slave)
        #expect(configuration.replication.haPort(listenPort: 10911) == 30912)
        #expect(configuration.replication.haMasterAddress == "10.0.0.9:10912")
        #expect(configuration.replication.haAdvertisedHost == "10.0.0.3")
        #expect(configuration.replication.heartbeatInterval == .milliseconds(2000))
        #expect(configuration.replication.transferBatchSize == 65536)
        #expect(configuration.replication.slaveFallbehindMax == 1_048_576)
        #expect(configuration.replication.slaveTimeout == .milliseconds(1500))
        #expect(configuration.replication.slaveReadEnable)
        try configuration.validate()
        #expect(configuration.properties.contains { $0 == ("brokerRole", "SLAVE") })
        #expect(try configuration.apply(properties: "brokerRole=SYNC_MASTER\nbrokerId=0").isEmpty)
        #expect(configuration.role == .syncMaster)
    }

    @Test("Updates apply as a whole, are listed and persisted; bad values change nothing")
    func update() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("comet-cfg-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/broker.conf"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "# mine\nbrokerName=broker-a\nlongPollingEnable=true\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let manager = BrokerConfigManager(BrokerConfiguration(dataDirectory: directory), file: file)

        let update = try manager.update("longPollingEnable=false\nlistenPort 20911\n", now: 5)
        #expect(update.changed == ["listenPort", "longPollingEnable"])
        #expect(update.needRestart == ["listenPort"])
        #expect(manager.current.longPollingEnabled == false)
        #expect(manager.formatted().text.contains("longPollingEnable=false\n"))
        #expect(manager.formatted().version == "{\"counter\":1,\"timestamp\":5}")
        let saved = try String(contentsOfFile: file, encoding: .utf8)
        #expect(saved == "# mine\nbrokerName=broker-a\nlongPollingEnable=false\nlistenPort=20911\n")

        #expect(throws: CometError.self) {
            try manager.update("defaultTopicQueueNums=0\nlongPollingEnable=true", now: 6)
        }
        #expect(manager.current.longPollingEnabled == false)
        #expect(BrokerConfigManager.touchesBlackList("brokerConfigPath=/x"))
        #expect(!BrokerConfigManager.touchesBlackList("brokerName=x"))
    }
}
