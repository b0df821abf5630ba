import ArgumentParser
import CometCore
import Foundation

extension HostAndPort: ExpressibleByArgument {
    /// Parses `HOST:PORT` on the command line.
    package init?(argument: String) {
        guard let parsed = try? HostAndPort(parsing: argument) else { return nil }
        self = parsed
    }
}

/// Turns a failure at start-up into a message and a non-zero exit.
func exitOnFailure<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as CometError {
        printError("comet: \(error.message)")
        throw ExitCode.failure
    }
}

/// Writes one line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
