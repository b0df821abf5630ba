public import Logging
public import ServiceLifecycle

extension Producer: Service {
    /// Runs the producer in the calling task: its background work (route refresh, heartbeats,
    /// requests brokers push) runs as child tasks until the task is cancelled or the `ServiceGroup`
    /// shuts down gracefully; then the producer leaves the brokers and closes its connections.
    ///
    /// Sends are accepted as soon as `run()` has begun; add the producer to your `ServiceGroup`.
    public func run() async throws {
        try begin()
        await cancelWhenGracefulShutdown { await self.instance.run() }
        await shutdown()
    }
}

/// Runs `body` with a running producer and shuts it down when `body` returns or throws, so no
/// background work outlives the call.
///
/// ```swift
/// try await withProducer(group: "orders", configuration: configuration) { producer in
///     _ = try await producer.send(Message(topic: "Orders", text: "hello"))
/// }
/// ```
public func withProducer<Result: Sendable>(
    group: String = "DEFAULT_PRODUCER", configuration: ClientConfiguration, options: Producer.Options = .init(),
    logger: Logger = Logger(label: "comet.producer"), _ body: (Producer) async throws -> Result
) async throws -> Result {
    let producer = Producer(group: group, configuration: configuration, options: options, logger: logger)
    try producer.begin()
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { await producer.instance.run() }
        let result: Result
        do {
            result = try await body(producer)
        } catch {
            tasks.cancelAll()
            await producer.shutdown()
            throw error
        }
        tasks.cancelAll()
        await producer.shutdown()
        return result
    }
}

extension TransactionProducer: Service {
    /// Runs the transactional producer like ``Producer/run()``: background work (including answers
    /// to the brokers' transaction checks) runs in the calling task until it is cancelled or the
    /// `ServiceGroup` shuts down gracefully.
    public func run() async throws { try await producer.run() }
}

extension PullConsumer: Service {
    /// Runs the consumer's background work (route refresh, heartbeats) in the calling task until it
    /// is cancelled or the `ServiceGroup` shuts down gracefully, then closes its connections.
    /// Nothing is committed implicitly.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.instance.run() }
        await shutdown()
    }
}

extension PushConsumer {
    /// Consumes with `handler` until the calling task is cancelled or its `ServiceGroup` shuts
    /// down gracefully, then shuts the consumer down (handlers in progress finish, offsets are
    /// committed, queue locks released) before returning: nothing it started outlives the call.
    ///
    /// Subscribe first. Wrap it in a service for a `ServiceGroup`, or run it in a child task.
    public func run(_ handler: @escaping Handler) async throws {
        try await core.run(handler)
    }
}
