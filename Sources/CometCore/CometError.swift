/// The error type shared by Comet components.
///
/// Equality compares only the ``code`` so callers can match on what went wrong without caring about
/// wording or source location. ``description`` includes the message but never a cause's secrets.
package struct CometError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; extensible by adding static members.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        package let name: String
        /// How a request that fails with this code is answered (default SYSTEM_ERROR).
        package let responseCode: ResponseCode
        package init(_ name: String, responseCode: ResponseCode = .systemError) {
            self.name = name
            self.responseCode = responseCode
        }
        package var description: String { name }

        package static func == (lhs: Code, rhs: Code) -> Bool { lhs.name == rhs.name }
        package func hash(into hasher: inout Hasher) { hasher.combine(name) }

        /// A peer sent bytes that do not form a valid remoting frame.
        package static let malformedFrame = Code("malformedFrame")
        /// A frame exceeded the configured maximum size.
        package static let frameTooLarge = Code("frameTooLarge", responseCode: .messageIllegal)
        /// A header could not be decoded or lacks a required field.
        package static let malformedHeader = Code("malformedHeader")
        /// A request or response body could not be decoded.
        package static let malformedBody = Code("malformedBody")
        /// A call did not get its answer in time.
        package static let timeout = Code("timeout")
        /// A connection could not be made or was lost.
        package static let connectionFailed = Code("connectionFailed")
        /// The component is shutting down or not started.
        package static let shutdown = Code("shutdown", responseCode: .serviceNotAvailable)
        /// A configuration value is invalid.
        package static let invalidConfiguration = Code("invalidConfiguration")
        /// A peer answered with a non-success response code.
        package static let remoteError = Code("remoteError")
        /// An argument given by a caller is invalid.
        package static let invalidArgument = Code("invalidArgument", responseCode: .messageIllegal)
        /// A file-system operation failed.
        package static let io = Code("io")
    }

    package var code: Code
    package var message: String
    package var cause: (any Error)?
    package var file: String
    package var line: Int

    package init(
        _ code: Code, _ message: String, cause: (any Error)? = nil, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    package var description: String { "\(code): \(message)" }
}

extension CometError: Equatable {
    package static func == (lhs: CometError, rhs: CometError) -> Bool { lhs.code == rhs.code }
}
