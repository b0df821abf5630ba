/// Emitted after new records for a queue are written, so the broker can wake long-poll pulls.
package struct MessageArrival: Sendable, Hashable {
    /// Topic.
    package var topic: String
    /// Queue id.
    package var queueID: Int32
    /// The queue's max offset after the write (next offset to be written).
    package var maxOffset: Int64
    /// Tags code of the last record written.
    package var tagsCode: Int64
    /// Store timestamp of the last record written.
    package var storeTimestamp: Int64

    /// Creates an arrival notice (the store makes these; tests too).
    package init(topic: String, queueID: Int32, maxOffset: Int64, tagsCode: Int64, storeTimestamp: Int64) {
        self.topic = topic
        self.queueID = queueID
        self.maxOffset = maxOffset
        self.tagsCode = tagsCode
        self.storeTimestamp = storeTimestamp
    }
}
