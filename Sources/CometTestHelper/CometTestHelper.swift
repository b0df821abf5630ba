import ArgumentParser

/// Child processes that tests spawn and kill (built with the tests, never part of `comet`).
@main
struct CometTestHelper: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "CometTestHelper", abstract: "Child processes for Comet's tests.",
        subcommands: [StoreAppendChildCommand.self])
}
