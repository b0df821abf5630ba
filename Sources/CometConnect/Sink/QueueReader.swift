import CometClient
import Logging

/// Reads one queue in batches for a sink: long-polls while the queue is empty, then gathers up to
/// `batchSize` messages or whatever arrived within `linger`, whichever comes first.
struct QueueReader {
    let consumer: PullConsumer
    let queue: MessageQueue
    let batchSize: Int
    let linger: Duration
    let logger: Logger

    /// One batch starting at `offset`, and the offset after it (moved past gaps the broker reports).
    /// The queue's end offset comes back too, for lag reporting.
    func next(from offset: Int64) async throws -> (messages: [ReceivedMessage], next: Int64, end: Int64) {
        var messages: [ReceivedMessage] = []
        var next = offset
        var end = offset
        let deadline = ContinuousClock.now + linger
        while messages.count < batchSize {
            let wait: Duration = messages.isEmpty ? .seconds(5) : .zero
            let result = try await consumer.pull(
                queue, at: next, maxMessages: Int32(min(32, batchSize - messages.count)), wait: wait)
            end = result.maxOffset
            switch result.status {
            case .found:
                messages += result.messages
                next = result.nextOffset
            case .offsetIllegal, .noMatchedMessages:
                if result.nextOffset != next {
                    logger.warning(
                        "queue offset moved",
                        metadata: ["queue": "\(queue)", "from": "\(next)", "to": "\(result.nextOffset)"])
                }
                next = result.nextOffset
                if messages.isEmpty { return ([], next, end) }
            case .noNewMessages:
                return (messages, next, end)
            }
            if ContinuousClock.now >= deadline { break }
        }
        return (messages, next, end)
    }
}
