/// What went wrong in a client call.
public struct ClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: Sendable, Hashable {
        /// No name server knows a route for the topic (and auto-creation could not help).
        case noRoute
        /// The broker is overloaded or starting; retrying later may work.
        case brokerBusy
        /// No answer in time.
        case timeout
        /// The message is invalid (topic name, empty or over-size body, properties).
        case illegalMessage
        /// The broker or name server answered with an error code (see ``responseCode``).
        case brokerError
        /// A connection could not be made or was lost.
        case connectionFailed
        /// The client is not started or already shut down.
        case notRunning
        /// A subscription expression or argument is invalid.
        case invalidArgument
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, for people.
    public var message: String
    /// The RocketMQ response code, when a server answered.
    public var responseCode: Int32?

    /// Creates an error.
    public init(_ code: Code, _ message: String, responseCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.responseCode = responseCode
    }

    /// The code, the broker's response code if any, and the message.
    public var description: String {
        responseCode.map { "\(code) (code \($0)): \(message)" } ?? "\(code): \(message)"
    }
}
