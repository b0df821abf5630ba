import ArgumentParser

/// `comet bench store`: placeholder until the store benchmark lands.
struct BenchStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Benchmark the storage engine (not yet implemented).")

    func run() async throws {
        throw ValidationError("comet bench store is not implemented yet")
    }
}
