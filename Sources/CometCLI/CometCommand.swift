import ArgumentParser
import CometBench
import CometCore

/// The `comet` command tree. Each role is a subcommand; `comet standalone` runs them all in one
/// process.
struct CometCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comet",
        abstract: "Comet: a RocketMQ-compatible messaging and streaming server in one native binary.",
        discussion: """
            Existing RocketMQ 4.x clients (remoting protocol) connect unchanged. 'comet standalone' runs a \
            name server and a broker in one process; point clients at the name server (127.0.0.1:9876).
            """,
        version: CometVersion.current,
        subcommands: [
            StandaloneCommand.self,
            NamesrvCommand.self,
            BrokerCommand.self,
            ProduceCommand.self,
            ConsumeCommand.self,
            TailCommand.self,
            SinkCommand.self,
            SourceCommand.self,
            AdminCommand.self,
            BenchCommand.self,
        ])

}

/// Entry point used by the `comet` executable.
package enum CometMain {
    /// Parses the command line and runs the chosen command.
    package static func run() async { await CometCommand.main() }
}
