package import CometProtocol

/// Answers the requests a server receives.
///
/// Each request is first offered to ``processOnEventLoop(_:connection:responder:)``, which
/// answers the requests that need no waiting (a send with async flush, a pull of data in the
/// page cache, offset queries) right where they were read. The rest run ``process(_:connection:)``
/// in a task: return `nil` for requests that get no answer; a thrown
/// ``ResponseCodeConvertible`` error is answered with its own code and remark, any other error
/// becomes SYSTEM_ERROR with the error as its remark.
package protocol RequestProcessor: Sendable {
    func process(_ request: RemotingCommand, connection: RemotingConnection) async throws -> RemotingCommand?
    /// Runs on the connection's event loop: handles `request` without blocking and without
    /// waiting — answering through `responder` now, or later from another thread — and returns
    /// true; or returns false (having done nothing) to have ``process(_:connection:)`` run in a task.
    func processOnEventLoop(
        _ request: RemotingCommand, connection: RemotingConnection, responder: RemotingResponder
    )
        -> Bool
    /// Called once when a peer's connection closes.
    func connectionClosed(_ connection: RemotingConnection)
    /// How long `request` may wait between being read and being processed; one that waited
    /// longer is answered SYSTEM_BUSY `[TIMEOUT_CLEAN_QUEUE]broker busy` without processing
    /// (RocketMQ `waitTimeMillsInSendQueue`). `nil`: no limit.
    func queueWaitLimit(for request: RemotingCommand) -> Duration?
}

extension RequestProcessor {
    package func connectionClosed(_ connection: RemotingConnection) {}
    package func processOnEventLoop(
        _ request: RemotingCommand, connection: RemotingConnection, responder: RemotingResponder
    ) -> Bool { false }
    package func queueWaitLimit(for request: RemotingCommand) -> Duration? { nil }
}
