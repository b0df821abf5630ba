import ArgumentParser
import CometClient
import CometCommandSupport
import CometConnect
import Foundation
import Logging
import UnixSignals

/// `comet tail`: follows log files into a topic, one message per line (or multiline event).
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Follow files (like tail -F) into a topic, one message per line, without loss or duplicates.",
        discussion: """
            Follows renames (rotation: the old file is read to its end), copy-truncate, truncation and new \
            files matching a glob (quote it). Lines go in batches; progress (file device+inode, byte offset) \
            is saved to --state only after the broker acknowledged the lines before it, so after a crash \
            comet tail re-sends at most the unacknowledged lines, with the same UNIQ_KEY (message id) per \
            line position. When the broker is slow or down it stops reading and retries, then resumes.
            Every message carries the properties source_path, source_host and source_offset.
            Examples:
              comet tail -n 127.0.0.1:9876 -t AppLogs --state /var/lib/comet/app.state '/var/log/app/*.log'
              comet tail -t Errors --multiline-start '^\\d{4}-\\d\\d-\\d\\d ' --key-regex 'user=(\\w+)' app.log
              comet tail -t Events --json-tag type --json-key id --from-beginning events.jsonl
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "Files or glob patterns to follow.")
    var paths: [String]

    @Option(help: "Tag of every message.")
    var tag: String?

    @Option(help: "Regular expression; its first capture group (or the whole match) becomes the message key.")
    var keyRegex: String?

    @Option(help: "Regular expression matching the first line of an event; other lines join the event before.")
    var multilineStart: String?

    @Option(help: "JSON lines: field whose value becomes the tag.")
    var jsonTag: String?

    @Option(help: "JSON lines: field whose value becomes the key.")
    var jsonKey: String?

    @Option(help: "State file with the acknowledged position of every file (resume after restarts).")
    var state: String?

    @Flag(help: "On the first start (no state yet), read existing files from their start instead of their end.")
    var fromBeginning = false

    @Option(help: "Most lines per batch send.")
    var batch = 256

    @Option(help: "Producer group.")
    var group = "comet-tail"

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("name at least one file or glob pattern") }
        guard (1...4096).contains(batch) else { throw ValidationError("--batch must be 1...4096") }
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "comet.tail")
        var configuration = TailConfiguration(
            patterns: paths, topic: client.topic, host: ProcessInfo.processInfo.hostName)
        configuration.tag = tag
        configuration.keyPattern = keyRegex
        configuration.multilineStart = multilineStart
        configuration.jsonTag = jsonTag
        configuration.jsonKey = jsonKey
        configuration.statePath = state
        configuration.fromBeginning = fromBeginning
        configuration.batchMessages = batch
        let tail = configuration
        try await runConnector(producerGroup: group, client: client) { producer in
            let tailer = try FileTailer(configuration: tail, logger: logger) { messages in
                if messages.count == 1 {
                    _ = try await producer.send(messages[0])
                } else {
                    _ = try await producer.send(batch: messages)
                }
            }
            try await tailer.run()
        }
    }
}

/// Runs a producing connector: starts a producer, checks `client.topic` has a route (a clear error
/// and exit 1 otherwise), runs `body` until SIGINT/SIGTERM cancels it, then shuts the producer down.
func runConnector(
    producerGroup: String, client: ClientOptions, _ body: @escaping @Sendable (Producer) async throws -> Void
) async throws {
    let producer = Producer(group: producerGroup, configuration: client.configuration)
    do {
        try await producer.start()
        _ = try await producer.publishQueues(client.topic)
    } catch {
        await producer.shutdown()
        printError("comet: cannot send to topic \(client.topic): \(error)")
        throw ExitCode.failure
    }
    do {
        try await untilSignal { try await body(producer) }
    } catch let error as ConnectError {
        await producer.shutdown()
        printError("comet: \(error.message)")
        throw ExitCode.failure
    }
    await producer.shutdown()
}

/// Runs `body` until it returns or SIGINT/SIGTERM arrives (then `body`'s task is cancelled and awaited,
/// and its `CancellationError` is the normal way out, not a failure).
func untilSignal(_ body: @escaping @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            try await body()
            return true
        }
        group.addTask {
            for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) { return false }
            return false
        }
        defer { group.cancelAll() }
        let bodyReturned = try await group.next() ?? true
        group.cancelAll()
        guard !bodyReturned else { return }
        do {
            while try await group.next() != nil {}
        } catch is CancellationError {}
    }
}
