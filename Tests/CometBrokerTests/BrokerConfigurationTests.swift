import CometBroker
import CometCore
import CometStore
import Testing

@Suite("Broker configuration")
struct BrokerConfigurationTests {
    @Test("RocketMQ broker.conf keys apply; ignored and unknown keys are reported")
    func brokerConf() throws {
        var configuration = BrokerConfiguration(dataDirectory: "/tmp/x")
        let warnings = try configuration.apply(
            properties: """
                # a RocketMQ broker.conf
                brokerClusterName = ProdCluster
                brokerName=broker-b
                brokerId=0
                namesrvAddr=10.0.0.1:9876;10.0.0.2:9876
                listenPort=20911
                brokerIP1=192.168.1.5
                storePathRootDir=/data/store
                mappedFileSizeCommitLog=1048576
                flushDiskType=SYNC_FLUSH
                brokerRole=ASYNC_MASTER
                autoCreateTopicEnable=false
                defaultTopicQueueNums=16
                deleteWhen=04;16
                fileReservedTime=48
                maxMessageSize=65536
                sendMessageThreadPoolNums=64
                someFutureKey=1
                """)
        #expect(configuration.clusterName == "ProdCluster")
        #expect(configuration.brokerName == "broker-b")
        #expect(configuration.nameServers.map(\.description) == ["10.0.0.1:9876", "10.0.0.2:9876"])
        #expect(configuration.listen.port == 20911)
        #expect(configuration.advertisedHost == "192.168.1.5")
        #expect(configuration.dataDirectory == "/data/store")
        #expect(configuration.store.commitLogSegmentSize == 1_048_576)
        #expect(configuration.store.flushMode == .sync)
        #expect(!configuration.autoCreateTopicEnable)
        #expect(configuration.defaultTopicQueueNums == 16)
        #expect(configuration.store.deleteWhenHours == [4, 16])
        #expect(configuration.store.fileReservedTime == .seconds(48 * 3600))
        #expect(configuration.store.maxMessageSize == 65536)
        #expect(warnings.count == 2)
        #expect(warnings.contains { $0.contains("sendMessageThreadPoolNums") && $0.contains("no effect") })
        #expect(warnings.contains { $0.contains("someFutureKey") && $0.contains("unknown") })
    }

    @Test(
        "Invalid values are errors naming the line",
        arguments: [
            "flushDiskType=FAST", "listenPort=70000", "autoCreateTopicEnable=yes", "deleteWhen=25", "brokerRole=BACKUP",
        ])
    func invalidValues(_ line: String) {
        var configuration = BrokerConfiguration(dataDirectory: "/tmp/x")
        let error = #expect(throws: CometError.self) { _ = try configuration.apply(properties: "\n" + line) }
        #expect(error?.message.contains("line 2") == true)
    }

    @Test("Validation rejects names a topic could not carry and ids that do not fit the role")
    func validation() throws {
        var configuration = BrokerConfiguration(dataDirectory: "/tmp/x")
        configuration.brokerName = "broker a"
        #expect(throws: CometError.self) { try configuration.validate() }
        configuration.brokerName = "broker-a"
        // brokerId alone decides the role: 1 is a slave.
        configuration.brokerId = 1
        try configuration.validate()
        #expect(configuration.role == .slave)
        configuration.replication.role = .syncMaster
        #expect(throws: CometError.self) { try configuration.validate() }
        configuration.brokerId = 0
        configuration.replication.role = .slave
        #expect(throws: CometError.self) { try configuration.validate() }
        configuration.replication.role = nil
        try configuration.validate()
        #expect(configuration.role == .asyncMaster)
        #expect(configuration.replication.haPort(listenPort: 10911) == 10912)
    }

    @Test("The role state machine: a slave learns its master from name servers, a configured address wins, promote")
    func roleStateMachine() throws {
        var learned = ReplicationRoleState(role: .slave, brokerId: 2, haMasterAddress: nil)
        #expect(learned.registered(masterAddress: nil, haServerAddress: nil) == .none)
        #expect(
            learned.registered(masterAddress: "10.0.0.1:10911", haServerAddress: "10.0.0.1:10912")
                == .followMaster(haAddress: "10.0.0.1:10912"))
        #expect(learned.registered(masterAddress: "10.0.0.1:10911", haServerAddress: "10.0.0.1:10912") == .none)
        #expect(learned.masterAddress == "10.0.0.1:10911")
        #expect(learned.brokerId == 2)

        var fixed = ReplicationRoleState(role: .slave, brokerId: 1, haMasterAddress: "10.0.0.7:10912")
        #expect(fixed.registered(masterAddress: "10.0.0.1:10911", haServerAddress: "10.0.0.1:10912") == .none)
        #expect(fixed.haMasterAddress == "10.0.0.7:10912")
        #expect(fixed.masterAddress == "10.0.0.1:10911")

        #expect(throws: CometError.self) { _ = try learned.promote(to: .slave) }
        #expect(try learned.promote(to: .asyncMaster) == .becomeMaster)
        #expect(learned.role == .asyncMaster && learned.brokerId == 0 && learned.haMasterAddress == nil)
        #expect(throws: CometError.self) { _ = try learned.promote(to: .syncMaster) }
        #expect(learned.registered(masterAddress: "x:1", haServerAddress: "x:2") == .none)
    }
}
