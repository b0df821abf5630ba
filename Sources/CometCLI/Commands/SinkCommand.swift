import ArgumentParser
import CometClient
import CometCommandSupport
import CometConnect
import Logging

/// `comet sink`: topics into other systems.
struct SinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sink",
        abstract: "Consume a topic into PostgreSQL or rolling files.",
        subcommands: [PostgresSinkCommand.self, FilesSinkCommand.self])
}

/// `comet sink postgres`.
struct PostgresSinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postgres",
        abstract: "Write a topic's messages into a PostgreSQL table, exactly once.",
        discussion: """
            Each batch's rows and the queues' next offsets (table --offsets-table, created if missing) are \
            written in one transaction, and on start the sink resumes from the database's offsets, so a crash \
            never loses or repeats a row. --mapping json: the body is a JSON object whose fields fill the \
            columns of the same names (PostgreSQL converts the values); --mapping raw: the columns topic, \
            broker, queue_id, queue_offset, msg_id, tags, keys, body, properties, born_timestamp, \
            store_timestamp that the table has get the message's. A message that cannot be mapped goes to \
            the group's dead-letter queue (%DLQ%GROUP). The table must exist.
            Example:
              psql -c 'CREATE TABLE orders (id bigint PRIMARY KEY, customer text, total numeric)'
              comet sink postgres -n 127.0.0.1:9876 -t Orders -g orders-db \\
                  --dsn postgres://app:secret@127.0.0.1:5432/shop --table orders
            """)

    @OptionGroup var client: ClientOptions

    @Option(name: .shortAndLong, help: "Consumer group (its offsets are kept in the database).")
    var group: String

    @Option(help: "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]")
    var dsn: String

    @Option(help: "Target table (table or schema.table).")
    var table: String

    @Option(help: "json (body fields to columns) or raw (body and metadata).")
    var mapping = "json"

    @Option(help: "Table holding the consumed offsets.")
    var offsetsTable = "comet_sink_offsets"

    @Option(help: "Most rows per transaction.")
    var batch = 500

    @Option(help: "Where a new group starts: earliest or latest.")
    var from = "earliest"

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard RowMapping(rawValue: mapping) != nil else { throw ValidationError("--mapping must be json or raw") }
        guard (1...10_000).contains(batch) else { throw ValidationError("--batch must be 1...10000") }
        guard ["earliest", "latest"].contains(from) else { throw ValidationError("--from must be earliest or latest") }
    }

    func run() async throws {
        logging.bootstrap()
        let parsed: PostgresDSN
        do { parsed = try PostgresDSN(parsing: dsn) } catch { throw ValidationError(error.message) }
        var configuration = PostgresSinkConfiguration(dsn: parsed, table: table, topic: client.topic, group: group)
        configuration.mapping = RowMapping(rawValue: mapping)!
        configuration.offsetsTable = offsetsTable
        configuration.batchSize = batch
        configuration.start = from == "latest" ? .latest : .earliest
        let sink = PostgresSink(
            configuration: configuration, client: client.configuration, logger: Logger(label: "comet.sink.postgres"))
        try await runConsumingConnector { try await sink.run() }
    }
}

/// `comet sink files`.
struct FilesSinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files",
        abstract: "Write a topic's messages into rolling files of JSON lines.",
        discussion: """
            Lines go to a hidden in-progress file; when it reaches --roll-size or --roll-interval it is \
            synced and renamed atomically to TOPIC-SEQUENCE.jsonl. The queue offsets reached are stored \
            beside each rolled file, so after a crash every message lands in exactly one rolled file. \
            SIGINT/SIGTERM rolls the current file before exiting.
            Example: comet sink files -n 127.0.0.1:9876 -t AppLogs -g archive --dir /data/archive --roll-size 256MB
            """)

    @OptionGroup var client: ClientOptions

    @Option(name: .shortAndLong, help: "Consumer group.")
    var group: String

    @Option(help: "Folder of the files (created if missing).")
    var dir: String

    @Option(help: "Roll a file at this size (e.g. 64MB, 512KB).")
    var rollSize = "64MB"

    @Option(help: "Roll a non-empty file at this age (e.g. 1h, 10m, 30s).")
    var rollInterval = "1h"

    @Option(help: "Where a new group starts: earliest or latest.")
    var from = "earliest"

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard parseByteSize(rollSize) != nil else { throw ValidationError("--roll-size must look like 64MB") }
        guard parseDuration(rollInterval) != nil else { throw ValidationError("--roll-interval must look like 1h") }
        guard ["earliest", "latest"].contains(from) else { throw ValidationError("--from must be earliest or latest") }
    }

    func run() async throws {
        logging.bootstrap()
        var configuration = FileSinkConfiguration(topic: client.topic, group: group, directory: dir)
        configuration.rollSize = parseByteSize(rollSize)!
        configuration.rollInterval = parseDuration(rollInterval)!
        configuration.start = from == "latest" ? .latest : .earliest
        let sink = FileSink(
            configuration: configuration, client: client.configuration, logger: Logger(label: "comet.sink.files"))
        try await runConsumingConnector { try await sink.run() }
    }
}

/// Runs a consuming connector until SIGINT/SIGTERM; its setup errors become a message and exit 1.
func runConsumingConnector(_ body: @escaping @Sendable () async throws -> Void) async throws {
    do {
        try await untilSignal(body)
    } catch let error as ConnectError {
        printError("comet: \(error.message)")
        throw ExitCode.failure
    }
}
