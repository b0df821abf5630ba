/// Bridges the store's arrival callback to an `AsyncStream`, for brokers that prefer to
/// consume arrivals in a task:
///
/// ```swift
/// let arrivals = MessageArrivalStream()
/// let store = try await MessageStore.open(configuration: config, onMessageArrived: arrivals.yield)
/// for await arrival in arrivals.stream { wakeHeldPulls(arrival) }
/// ```
package struct MessageArrivalStream: Sendable {
    /// The stream of arrivals (buffering the newest 4096 if the consumer lags).
    package let stream: AsyncStream<MessageArrival>
    private let continuation: AsyncStream<MessageArrival>.Continuation

    /// Creates the stream.
    package init() {
        (stream, continuation) = AsyncStream.makeStream(
            of: MessageArrival.self, bufferingPolicy: .bufferingNewest(4096))
    }

    /// Pass as `onMessageArrived`.
    package var yield: @Sendable (MessageArrival) -> Void {
        let continuation = self.continuation
        return { continuation.yield($0) }
    }

    /// Ends the stream.
    package func finish() { continuation.finish() }
}
