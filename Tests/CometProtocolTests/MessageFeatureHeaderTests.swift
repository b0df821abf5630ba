import CometCore
import CometProtocol
import Testing

@Suite("Send-back and transaction headers")
struct MessageFeatureHeaderTests {
    @Test(
        "Send-back and transaction headers round-trip through both serializations",
        arguments: CommandHeaderTests.serializations)
    func roundTrips(_ s: SerializeType) throws {
        let sendBack = ConsumerSendMsgBackRequestHeader(
            offset: 4096, group: "CG", delayLevel: 0, originMsgId: "ABC", originTopic: "T", unitMode: false,
            maxReconsumeTimes: 3)
        #expect(try roundTrip(sendBack, s) == sendBack)
        let minimal = ConsumerSendMsgBackRequestHeader(offset: 1, group: "G", delayLevel: -1)
        #expect(try roundTrip(minimal, s) == minimal)
        let end = EndTransactionRequestHeader(
            producerGroup: "PG", tranStateTableOffset: 7, commitLogOffset: 1234, commitOrRollback: 8,
            fromTransactionCheck: true, msgId: "UNIQ", transactionId: "TX")
        #expect(try roundTrip(end, s) == end)
        #expect(end.resolution == .commit)
        let check = CheckTransactionStateRequestHeader(
            tranStateTableOffset: 3, commitLogOffset: 99, msgId: "U", transactionId: "T", offsetMsgId: "OFF")
        #expect(try roundTrip(check, s) == check)
    }

    @Test("END_TRANSACTION accepts the C++ client's string booleans")
    func cppBooleans() throws {
        let header = try EndTransactionRequestHeader(
            fields: ExtFields([
                "producerGroup": "PG", "tranStateTableOffset": "1", "commitLogOffset": "2", "commitOrRollback": "12",
                "fromTransactionCheck": "1", "msgId": "M",
            ]))
        #expect(header.fromTransactionCheck)
        #expect(header.resolution == .rollback)
        #expect(header.transactionId == nil)
    }

    @Test("A send-back header without an offset is rejected")
    func missingOffset() {
        #expect(throws: CometError.self) { try ConsumerSendMsgBackRequestHeader(fields: ExtFields(["group": "G"])) }
    }
}
