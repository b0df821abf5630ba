import CometCore
import CometProtocol
import PropertyBased
import Testing

/// Every JSON body (and part of one): a new one is added here and gets the round-trip property below.
let allBodyTypes: [any (JSONBody & Equatable).Type] = [
    ClusterInfo.self, TopicList.self, KVTable.self, HeartbeatData.self, ConsumerData.self, SubscriptionData.self,
    ConsumerListBody.self, MessageQueue.self, LockBatchRequestBody.self, LockBatchResponseBody.self,
    TopicConfigSerializeWrapper.self, TopicConfig.self, DataVersion.self, RegisterBrokerBody.self, QueueData.self,
    BrokerData.self, TopicRouteData.self, SubscriptionGroupConfig.self, SubscriptionGroupWrapper.self, TopicOffset.self,
    OffsetWrapper.self, ClientConnection.self, ConsumerConnection.self, ProducerConnection.self,
    CheckClientRequestBody.self, BrokerStatsItem.self, BrokerStatsData.self, QueueTimeSpan.self,
    QueryConsumeTimeSpanBody.self,
]

@Suite("Body round-trip properties")
struct BodyPropertyTests {
    @Test("Every body survives encode → JSON text → decode")
    func everyBodyRoundTrips() async {
        await propertyCheck(count: 100, input: valuePools) { pool in
            for type in allBodyTypes { try checkRoundTrip(type, pool) }
        }
    }

    private func checkRoundTrip<B: JSONBody & Equatable>(_ type: B.Type, _ pool: ValuePool) throws {
        let body = try ArbitraryDecoder.arbitrary(B.self, from: pool)
        #expect(try B(body: body.encoded()) == body, "\(B.self)")
    }
}
