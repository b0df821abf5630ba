package import CometProtocol

/// Answers the requests a server receives.
///
/// Return `nil` for requests that get no answer. A thrown error becomes a SYSTEM_ERROR response
/// with the error as its remark. Processors run in tasks, never on an event loop.
package protocol RequestProcessor: Sendable {
    func process(_ request: RemotingCommand, connection: RemotingConnection) async throws -> RemotingCommand?
    /// Called once when a peer's connection closes.
    func connectionClosed(_ connection: RemotingConnection)
}

extension RequestProcessor {
    package func connectionClosed(_ connection: RemotingConnection) {}
}
