/// One consume-queue unit as QUERY_CONSUME_QUEUE (321) shows it (RocketMQ `ConsumeQueueData`).
/// The extension-unit fields (`extendDataJson`, `bitMap`, `msg`) stay absent: Comet keeps no
/// consume-queue extension, so `eval` is always false, as upstream's is for plain units.
package struct ConsumeQueueData: JSONBody, Hashable {
    package var physicOffset: Int64
    package var physicSize: Int32
    package var tagsCode: Int64
    package var extendDataJson: String?
    package var bitMap: String?
    package var eval: Bool
    package var msg: String?

    package init(physicOffset: Int64, physicSize: Int32, tagsCode: Int64) {
        self.physicOffset = physicOffset
        self.physicSize = physicSize
        self.tagsCode = tagsCode
        self.eval = false
    }

    package static let fieldDefaults: [String: JSONValue] = ["eval": false]
}

/// QUERY_CONSUME_QUEUE (321) response body (RocketMQ `QueryConsumeQueueResponseBody`).
package struct QueryConsumeQueueResponseBody: JSONBody, Hashable {
    /// The group's subscription to the topic, when a group was named and is online.
    package var subscriptionData: SubscriptionData?
    /// `<group>@<topic> is not online!`, or the group's filter data as JSON (`null` for tag filters).
    package var filterData: String?
    package var queueData: [ConsumeQueueData]?
    package var maxQueueIndex: Int64
    package var minQueueIndex: Int64

    package init(
        subscriptionData: SubscriptionData?, filterData: String?, queueData: [ConsumeQueueData]?,
        maxQueueIndex: Int64, minQueueIndex: Int64
    ) {
        self.subscriptionData = subscriptionData
        self.filterData = filterData
        self.queueData = queueData
        self.maxQueueIndex = maxQueueIndex
        self.minQueueIndex = minQueueIndex
    }

    package static let fieldDefaults: [String: JSONValue] = ["maxQueueIndex": 0, "minQueueIndex": 0]
}
