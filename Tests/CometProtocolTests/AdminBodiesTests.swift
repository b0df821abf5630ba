import CometCore
import CometProtocol
import NIOCore
import Testing

@Suite("Admin bodies as fastjson writes and reads them")
struct AdminBodiesTests {
    private func text(_ body: some JSONBody) -> String { String(buffer: body.encoded()) }

    @Test("ConsumeStats: MessageQueue keys are bare objects, properties sorted (spec §1.3 observed form)")
    func consumeStats() throws {
        let queue = MessageQueue(topic: "T", brokerName: "b", queueId: 0)
        let stats = ConsumeStats(
            offsetTable: [queue: OffsetWrapper(brokerOffset: 12, consumerOffset: 10, lastTimestamp: 1_700_000_000_000)],
            consumeTps: 0)
        #expect(
            text(stats)
                == #"{"consumeTps":0.0,"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"brokerOffset":12,"consumerOffset":10,"lastTimestamp":1700000000000}}}"#
        )
        #expect(try ConsumeStats(body: stats.encoded()) == stats)
    }

    @Test("TopicStatsTable round-trips and also reads keys given as JSON strings")
    func topicStats() throws {
        let table = TopicStatsTable(offsetTable: [
            MessageQueue(topic: "T", brokerName: "b", queueId: 1): TopicOffset(
                minOffset: 0, maxOffset: 3, lastUpdateTimestamp: 9),
            MessageQueue(topic: "T", brokerName: "b", queueId: 0): TopicOffset(
                minOffset: 0, maxOffset: 0, lastUpdateTimestamp: 0),
        ])
        #expect(try TopicStatsTable(body: table.encoded()) == table)
        let quoted =
            #"{"offsetTable":{"{\"brokerName\":\"b\",\"queueId\":1,\"topic\":\"T\"}":{"maxOffset":3,"minOffset":0,"lastUpdateTimestamp":9}}}"#
        let parsed = try TopicStatsTable(body: ByteBuffer(string: quoted))
        #expect(parsed.offsetTable[MessageQueue(topic: "T", brokerName: "b", queueId: 1)]?.maxOffset == 3)
    }

    @Test("Integer-keyed maps are written with bare keys and read bare or quoted")
    func integerKeys() throws {
        let wrapper = ConsumerOffsetSerializeWrapper(offsetTable: ["T@G": [0: 3, 1: 4]])
        #expect(text(wrapper) == #"{"offsetTable":{"T@G":{0:3,1:4}}}"#)
        #expect(try ConsumerOffsetSerializeWrapper(body: wrapper.encoded()) == wrapper)
        let delay = try DelayOffsetSerializeWrapper(body: ByteBuffer(string: #"{"offsetTable":{"1":0,2:7}}"#))
        #expect(delay.offsetTable == [1: 0, 2: 7])
        let correction = QueryCorrectionOffsetBody(correctionOffsets: [0: 5, 1: .max])
        #expect(text(correction) == #"{"correctionOffsets":{0:5,1:9223372036854775807}}"#)
    }

    @Test("A partial SubscriptionGroupConfig takes RocketMQ's defaults")
    func subscriptionGroupDefaults() throws {
        let config = try SubscriptionGroupConfig(body: ByteBuffer(string: #"{"groupName":"G"}"#))
        #expect(
            text(config)
                == #"{"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,"consumeFromMinEnable":true,"consumeMessageOrderly":false,"groupName":"G","notifyConsumerIdsChangedEnable":true,"retryMaxTimes":16,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}"#
        )
        #expect(throws: CometError.self) { try SubscriptionGroupConfig(body: ByteBuffer(string: #"{"groupName":""}"#)) }
        #expect(throws: CometError.self) {
            try SubscriptionGroupConfig(body: ByteBuffer(string: #"{"retryMaxTimes":1}"#))
        }
    }

    @Test("GetConsumerStatusBody nests queue-keyed maps per client")
    func consumerStatus() throws {
        let queue = MessageQueue(topic: "T", brokerName: "b", queueId: 2)
        let body = GetConsumerStatusBody(messageQueueTable: [:], consumerTable: ["c1": [queue: 7]])
        #expect(
            text(body)
                == #"{"consumerTable":{"c1":{{"brokerName":"b","queueId":2,"topic":"T"}:7}},"messageQueueTable":{}}"#)
        #expect(try GetConsumerStatusBody(body: body.encoded()) == body)
    }

    @Test("Time spans carry Java's …Str getters")
    func timeSpan() {
        let span = QueueTimeSpan(
            messageQueue: MessageQueue(topic: "T", brokerName: "b", queueId: 0), minTimeStamp: 0,
            maxTimeStamp: 1_700_000_000_123, consumeTimeStamp: 0, delayTime: 0)
        let body = text(QueryConsumeTimeSpanBody(consumeTimeSpanSet: [span]))
        #expect(body.contains(#""maxTimeStampStr":"2023-11-14#22:13:20:123""#))
        #expect(body.contains(#""minTimeStampStr":"1970-01-01#00:00:00:000""#))
    }
}
