package import ArgumentParser

/// `comet bench ...`: load generators and micro-benchmarks whose figures we quote.
package struct BenchCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Comet's performance.",
        subcommands: [
            BenchProduceCommand.self, BenchConsumeCommand.self, BenchE2ECommand.self, BenchStoreCommand.self,
            BenchTimerCommand.self, BenchTransactionCommand.self, BenchFilterCommand.self,
        ])

    package init() {}
}
