import ArgumentParser
import Logging

/// `--log-level`, shared by every server command.
struct LoggingOptions: ParsableArguments {
    /// The levels swift-log knows, spelled as on the command line.
    enum Level: String, ExpressibleByArgument, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    @Option(name: .long, help: "Least severe log level written to standard error.")
    var logLevel: Level = .info

    /// Installs the process-wide log handler; call once, before any logger is made.
    func bootstrap() {
        let level = Logger.Level(rawValue: logLevel.rawValue) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
