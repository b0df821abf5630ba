import Logging

/// Client commands log only warnings and errors to standard error, keeping their output clean.
package func bootstrapQuietLogging() {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = .warning
        return handler
    }
}
