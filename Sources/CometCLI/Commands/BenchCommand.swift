import ArgumentParser

/// `comet bench ...`: load generators and micro-benchmarks whose figures we quote.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Comet's performance.",
        subcommands: [BenchProduceCommand.self, BenchConsumeCommand.self, BenchE2ECommand.self, BenchStoreCommand.self, BenchTimerCommand.self, BenchTransactionCommand.self, BenchFilterCommand.self])
}
