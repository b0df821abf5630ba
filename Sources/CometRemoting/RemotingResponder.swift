package import CometProtocol

/// Sends the answer to one request: from the event loop that read it (written without a flush
/// of its own; the connection flushes once after the read burst) or later from any thread.
///
/// The response's opaque, response flag and serialization are set from the request; nothing
/// goes out for a oneway request or a `nil` answer.
package struct RemotingResponder: Sendable {
    private let send: @Sendable (RemotingCommand) -> Void
    private let request: RemotingCommand.Envelope

    package init(request: RemotingCommand, send: @escaping @Sendable (RemotingCommand) -> Void) {
        self.request = RemotingCommand.Envelope(request)
        self.send = send
    }

    /// Sends `response` (or nothing for `nil` or a oneway request).
    package func respond(_ response: RemotingCommand?) {
        guard !request.isOneway, var response else { return }
        response.opaque = request.opaque
        response.flag |= RemotingCommand.responseFlag
        response.serializeType = request.serializeType
        send(response)
    }
}

extension RemotingCommand {
    /// What a response needs to know of its request, without holding the request's body.
    struct Envelope: Sendable {
        var opaque: Int32
        var isOneway: Bool
        var serializeType: SerializeType

        init(_ request: RemotingCommand) {
            opaque = request.opaque
            isOneway = request.isOneway
            serializeType = request.serializeType
        }
    }
}
