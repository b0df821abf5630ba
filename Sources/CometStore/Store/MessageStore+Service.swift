import ServiceLifecycle

extension MessageStore: Service {
    /// Runs until graceful shutdown (or cancellation) of the service group, then shuts the
    /// store down cleanly. List the store first in the group so it stops last.
    package func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}
