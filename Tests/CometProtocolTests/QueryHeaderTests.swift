import CometCore
import CometProtocol
import NIOCore
import Testing

@Suite("Query and reset headers")
struct QueryHeaderTests {
    @Test(
        "Query, view and reset headers round-trip through both serializations",
        arguments: [SerializeType.json, .rocketmq])
    func roundTrips(_ s: SerializeType) throws {
        let query = QueryMessageRequestHeader(
            topic: "T", key: "order-1", maxNum: 16, beginTimestamp: 1, endTimestamp: 99)
        #expect(try roundTrip(query, s) == query)
        let answer = QueryMessageResponseHeader(
            indexLastUpdateTimestamp: 1_700_000_000_000, indexLastUpdatePhyoffset: 4096)
        #expect(try roundTrip(answer, s) == answer)
        let view = ViewMessageRequestHeader(offset: 123_456_789_012)
        #expect(try roundTrip(view, s) == view)
        let reset = ResetOffsetRequestHeader(topic: "T", group: "G", timestamp: -1, isForce: true)
        #expect(try roundTrip(reset, s) == reset)
        let explicit = ResetOffsetRequestHeader(
            topic: "T", group: "G", timestamp: 0, isForce: false, queueId: 3, offset: 42)
        #expect(try roundTrip(explicit, s) == explicit)
    }

    @Test("Missing query fields are named")
    func missingField() {
        let fields = ExtFields(["topic": "T", "key": "k", "maxNum": "1", "beginTimestamp": "0"])
        #expect(throws: CometError(.malformedHeader, "")) { try QueryMessageRequestHeader(fields: fields) }
    }

    @Test("The reset body encodes as the Java map form and the C++ list form")
    func resetBody() throws {
        let body = ResetOffsetBody(offsetTable: [
            MessageQueue(topic: "T", brokerName: "b", queueId: 1): 7,
            MessageQueue(topic: "T", brokerName: "b", queueId: 0): 5,
        ])
        #expect(
            String(buffer: body.encodedMap())
                == #"{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:5,{"brokerName":"b","queueId":1,"topic":"T"}:7}}"#
        )
        #expect(
            String(buffer: body.encodedList())
                == #"{"offsetTable":[{"brokerName":"b","offset":5,"queueId":0,"topic":"T"},{"brokerName":"b","offset":7,"queueId":1,"topic":"T"}]}"#
        )
        #expect(try ResetOffsetBody(listBody: body.encodedList()) == body)
    }
}
