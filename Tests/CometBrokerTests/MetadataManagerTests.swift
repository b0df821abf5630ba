import CometBroker
import CometCore
import CometProtocol
import Foundation
import Testing

func temporaryFolder() -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("comet-broker-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite("Broker metadata")
struct MetadataManagerTests {
    @Test("Topics auto-create from TBW102 with the smaller queue count and survive a restart")
    func topicsAutoCreate() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let configuration = BrokerConfiguration(dataDirectory: folder)
        let topics = try TopicConfigManager(configuration: configuration)
        #expect(topics.topic("TBW102")?.perm == [.inherit, .read, .write])
        let versionBefore = topics.snapshot.dataVersion
        let created = try #require(
            try topics.createOnSend("Orders", defaultTopic: "TBW102", queueNums: 4, topicSysFlag: 0))
        #expect(created.writeQueueNums == 4 && created.readQueueNums == 4)
        #expect(created.perm == .readWrite)
        #expect(topics.snapshot.dataVersion.counter == versionBefore.counter + 1)
        #expect(try topics.createOnSend("Other", defaultTopic: "NoSuchTemplate", queueNums: 4, topicSysFlag: 0) == nil)
        #expect(
            try topics.createOnSend("Wide", defaultTopic: "TBW102", queueNums: 64, topicSysFlag: 0)?.writeQueueNums == 8
        )

        let reloaded = try TopicConfigManager(configuration: configuration)
        #expect(reloaded.topic("Orders") == created)
        #expect(try reloaded.delete("Orders"))
        #expect(try TopicConfigManager(configuration: configuration).topic("Orders") == nil)
    }

    @Test("Without auto-creation there is no default topic to inherit from")
    func noAutoCreate() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var configuration = BrokerConfiguration(dataDirectory: folder)
        configuration.autoCreateTopicEnable = false
        let topics = try TopicConfigManager(configuration: configuration)
        #expect(try topics.createOnSend("Orders", defaultTopic: "TBW102", queueNums: 4, topicSysFlag: 0) == nil)
    }

    @Test("Committed offsets persist in RocketMQ's consumerOffset.json shape")
    func offsets() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let offsets = try ConsumerOffsetManager(configDirectory: folder)
        #expect(offsets.offset(group: "g", topic: "T", queueId: 0) == nil)
        offsets.commit(group: "g", topic: "T", queueId: 0, offset: 42)
        offsets.commit(group: "g", topic: "T", queueId: 3, offset: 7)
        try offsets.persist()
        let text = try String(contentsOfFile: folder + "/consumerOffset.json", encoding: .utf8)
        #expect(text == #"{"offsetTable":{"T@g":{"0":42,"3":7}}}"#)
        let reloaded = try ConsumerOffsetManager(configDirectory: folder)
        #expect(reloaded.offsets(group: "g", topic: "T") == [0: 42, 3: 7])
        #expect(reloaded.topics(of: "g") == ["T"])
    }

    @Test("A corrupt metadata file stops start-up with a clear error instead of losing data")
    func corruptOffsets() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "{\"offsetTable\":".write(toFile: folder + "/consumerOffset.json", atomically: true, encoding: .utf8)
        let error = #expect(throws: CometError.self) { try ConsumerOffsetManager(configDirectory: folder) }
        #expect(error?.message.contains("consumerOffset.json") == true)
    }

    @Test("Queue locks: one holder per queue, renewals, unlock, and expiry")
    func locks() {
        var table = RebalanceLockTable(expiryMillis: 60_000)
        let q0 = MessageQueue(topic: "T", brokerName: "b", queueId: 0)
        let q1 = MessageQueue(topic: "T", brokerName: "b", queueId: 1)
        #expect(table.tryLock(group: "g", clientId: "A", queues: [q0, q1], now: 0) == [q0, q1])
        #expect(table.tryLock(group: "g", clientId: "B", queues: [q0, q1], now: 1000) == [])
        #expect(table.tryLock(group: "other", clientId: "B", queues: [q0], now: 1000) == [q0])
        #expect(table.tryLock(group: "g", clientId: "A", queues: [q0], now: 50_000) == [q0])
        #expect(table.tryLock(group: "g", clientId: "B", queues: [q0, q1], now: 70_000) == [q1])
        table.unlock(group: "g", clientId: "A", queues: [q0])
        #expect(table.tryLock(group: "g", clientId: "B", queues: [q0], now: 70_001) == [q0])
        #expect(table.isLocked(group: "g", queue: q0, by: "B", now: 70_002))
    }
}
