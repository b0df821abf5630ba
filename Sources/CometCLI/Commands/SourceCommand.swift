import ArgumentParser
import CometClient
import CometCommandSupport
import CometConnect
import Foundation
import Logging

/// `comet source`: other systems into topics.
struct SourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "source",
        abstract: "Poll another system into a topic.",
        subcommands: [PostgresSourceCommand.self])
}

/// `comet source postgres`.
struct PostgresSourceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postgres",
        abstract: "Send new rows of a PostgreSQL table to a topic (incremental polling).",
        discussion: """
            Rows whose --by column is above the last position sent go to the topic as JSON objects (key: the \
            --by value). --by must name a strictly increasing column (an id from a sequence, or a unique \
            timestamp). The position is saved to --state only after the broker acknowledged the rows, so a \
            restart sends only the rows not sent before.
            Example: comet source postgres --dsn postgres://app@127.0.0.1/shop --table orders --by id -t Orders
            """)

    @OptionGroup var client: ClientOptions

    @Option(help: "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]")
    var dsn: String

    @Option(help: "Source table (table or schema.table).")
    var table: String

    @Option(help: "Strictly increasing column that orders new rows (id or a timestamp column).")
    var by: String

    @Option(help: "Position file (default ~/.comet/source-TABLE-TOPIC.state).")
    var state: String?

    @Option(help: "Most rows per poll.")
    var batch = 500

    @Option(help: "Pause after a poll that found nothing new (e.g. 1s, 500ms).")
    var interval = "1s"

    @Option(help: "Producer group.")
    var group = "comet-source"

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard (1...10_000).contains(batch) else { throw ValidationError("--batch must be 1...10000") }
        guard parseDuration(interval) != nil else { throw ValidationError("--interval must look like 1s or 500ms") }
    }

    func run() async throws {
        logging.bootstrap()
        let parsed: PostgresDSN
        do { parsed = try PostgresDSN(parsing: dsn) } catch { throw ValidationError(error.message) }
        let statePath = state ?? defaultStatePath()
        var configuration = PostgresSourceConfiguration(
            dsn: parsed, table: table, column: by, topic: client.topic, statePath: statePath)
        configuration.batchSize = batch
        configuration.interval = parseDuration(interval)!
        let source = PostgresSource(configuration: configuration, logger: Logger(label: "comet.source.postgres"))
        try await runConnector(producerGroup: group, client: client) { producer in
            try await source.run { messages in
                if messages.count == 1 {
                    _ = try await producer.send(messages[0])
                } else {
                    _ = try await producer.send(batch: messages)
                }
            }
        }
    }

    private func defaultStatePath() -> String {
        let folder = defaultDataFolder("state")
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder + "/source-\(table)-\(client.topic).state"
    }
}
