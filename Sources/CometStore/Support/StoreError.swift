/// An error from the message store: a code the broker maps to a response, and a message.
///
/// Equality compares codes only, so tests can write `#expect(throws: StoreError(.diskFull))`.
package struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    package enum Code: Sendable, Hashable {
        /// The encoded message exceeds `maxMessageSize` (→ MESSAGE_ILLEGAL).
        case messageTooLarge
        /// The property string exceeds 32767 bytes (→ MESSAGE_ILLEGAL).
        case propertiesTooLarge
        /// The topic name is empty, too long or has characters outside `[%|a-zA-Z0-9_-]`.
        case invalidTopic
        /// A field is out of range (negative queue id, batch of mixed queues …).
        case invalidMessage
        /// Disk usage passed the full ratio or the device is out of space; appends are refused,
        /// reads still served (→ SERVICE_NOT_AVAILABLE).
        case diskFull
        /// The store is not running (shut down or not yet opened).
        case notRunning
        /// The store is a slave's copy of its master's log: only replicated bytes are appended
        /// (→ SERVICE_NOT_AVAILABLE).
        case replicaRole
        /// Another process holds the store's lock file.
        case storeLocked
        /// A file operation failed; see ``StoreError/errno``.
        case ioFailure
        /// Files on disk are inconsistent in a way recovery cannot repair (e.g. wrong segment size).
        case corruptStore
        /// The configuration is invalid.
        case invalidConfiguration
    }

    /// The code.
    package var code: Code
    /// Human-readable detail.
    package var message: String
    /// The `errno` of a failed system call, if any.
    package var errno: Int32?
    /// Where the error was created.
    package var location: String

    /// Creates an error.
    package init(_ code: Code, _ message: String = "", errno: Int32? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.errno = errno
        self.location = "\(file):\(line)"
    }

    /// Compares codes only.
    package static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only.
    package func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// `code: message (errno n)`.
    package var description: String {
        var text = "StoreError.\(code): \(message)"
        if let errno { text += " (errno \(errno))" }
        return text
    }
}
