package import InMemoryLogging
package import Logging

extension InMemoryLogHandler {
    /// A logger writing every level (trace and up) into this handler.
    package func logger(label: String = "comet.test") -> Logger {
        var handler = self
        handler.logLevel = .trace
        return Logger(label: label) { _ in handler }
    }

    /// The records so far as `level message` lines, for `contains` checks.
    package var lines: [String] { entries.map { "\($0.level) \($0.message)" } }
}
