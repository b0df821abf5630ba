/// A connector failure with a message for the operator (the CLI prints it and exits non-zero).
package struct ConnectError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in words an operator can act on.
    package var message: String

    /// An error with `message`.
    package init(_ message: String) { self.message = message }

    package var description: String { message }
}
