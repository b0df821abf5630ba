import ArgumentParser

/// Hidden child process used by the store's crash-recovery tests: placeholder.
struct StoreAppendChildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-append-child", abstract: "Test helper: append to a store until killed.",
        shouldDisplay: false)

    func run() async throws {
        throw ValidationError("not implemented yet")
    }
}
