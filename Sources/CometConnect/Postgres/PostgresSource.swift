package import CometClient
import CometCore
import Foundation
package import Logging
import PostgresNIO

/// What `comet source postgres` polls and where its position is kept.
package struct PostgresSourceConfiguration: Sendable {
    /// Where the rows come from.
    package var dsn: PostgresDSN
    /// Source table (`table` or `schema.table`).
    package var table: String
    /// A strictly increasing column (an id from a sequence, or a unique timestamp): rows above the last
    /// position sent are new.
    package var column: String
    /// Topic the rows go to.
    package var topic: String
    /// The position file (JSON), written atomically after the broker acknowledged the rows before it.
    package var statePath: String
    /// Most rows per poll (default 500).
    package var batchSize = 500
    /// Pause after a poll that found no new rows (default 1 s).
    package var interval: Duration = .seconds(1)
    /// How often throughput is logged (default 10 s).
    package var reportInterval: Duration = .seconds(10)

    /// A source of `table` ordered by `column` into `topic`.
    package init(dsn: PostgresDSN, table: String, column: String, topic: String, statePath: String) {
        self.dsn = dsn
        self.table = table
        self.column = column
        self.topic = topic
        self.statePath = statePath
    }
}

/// Polls a table for rows above the last position and sends each row, as a JSON object, to a topic
/// (key: the position column's value). The position is saved only after the broker acknowledged the
/// rows, so a restart picks up exactly the rows not yet sent (re-sending at most the batch in
/// flight, with the same `UNIQ_KEY`).
package final class PostgresSource: Sendable {
    /// The saved position.
    struct State: Codable, Equatable {
        var table: String
        var column: String
        var position: String?
    }

    private let configuration: PostgresSourceConfiguration
    private let logger: Logger

    /// A source with `configuration`.
    package init(configuration: PostgresSourceConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Polls and sends through `deliver` until the task is cancelled.
    package func run(deliver: @escaping @Sendable ([Message]) async throws -> Void) async throws {
        var state = try loadState()
        let database = PostgresClient(configuration: configuration.dsn.configuration, backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await database.run() }
            defer { tasks.cancelAll() }
            let table: PostgresTable
            let type: String
            do {
                (table, type) = try await configuration.dsn.withConnection(logger: logger) { connection in
                    let table = try await PostgresTable.lookUp(
                        configuration.table, connection: connection, logger: logger)
                    guard table.columns.contains(configuration.column) else {
                        throw ConnectError(
                            "table \(configuration.table) has no column \(configuration.column) (columns: \(table.columns.joined(separator: ", ")))"
                        )
                    }
                    return (table, try await columnType(connection, table))
                }
            } catch let error as ConnectError {
                throw error
            } catch {
                throw ConnectError("cannot use PostgreSQL at \(configuration.dsn): \(describe(error))")
            }
            logger.info(
                "source started",
                metadata: ["table": "\(table.quotedName)", "position": "\(state.position ?? "(start)")"])
            var sent = 0
            var reported = (at: ContinuousClock.now, sent: 0)
            while !Task.isCancelled {
                let rows: [(json: String, position: String)]
                do {
                    rows = try await poll(database, table, type: type, after: state.position)
                } catch {
                    logger.warning("poll failed; retrying", metadata: ["error": "\(describe(error))"])
                    try await Task.sleep(for: configuration.interval)
                    continue
                }
                if !rows.isEmpty {
                    let messages = rows.map { row in
                        Message(
                            topic: configuration.topic, body: Array(row.json.utf8), keys: [row.position],
                            properties: [
                                "source_table": configuration.table,
                                "UNIQ_KEY": Self.uniqueKey(table: configuration.table, position: row.position),
                            ])
                    }
                    try await sendUntilAcknowledged(messages, deliver)
                    state.position = rows.last!.position
                    try saveState(state)
                    sent += rows.count
                }
                if ContinuousClock.now - reported.at >= configuration.reportInterval {
                    logger.info(
                        "progress",
                        metadata: [
                            "rows_total": "\(sent)", "rows_since_last": "\(sent - reported.sent)",
                            "position": "\(state.position ?? "")",
                        ])
                    reported = (.now, sent)
                }
                if rows.count < configuration.batchSize { try await Task.sleep(for: configuration.interval) }
            }
        }
    }

    private func poll(
        _ database: PostgresClient, _ table: PostgresTable, type: String, after position: String?
    ) async throws -> [(json: String, position: String)] {
        let column = quote(configuration.column)
        var binds = PostgresBindings()
        var condition = ""
        if let position {
            binds.append(position)
            condition = "WHERE t.\(column) > $1::\(type)"
        }
        let rows = try await database.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT row_to_json(t)::text, t.\(column)::text FROM \(table.quotedName) t \(condition)
                    ORDER BY t.\(column) LIMIT \(configuration.batchSize)
                    """, binds: binds))
        var result: [(json: String, position: String)] = []
        for try await (json, value) in rows.decode((String, String).self) { result.append((json, value)) }
        return result
    }

    private func columnType(_ connection: PostgresConnection, _ table: PostgresTable) async throws -> String {
        var binds = PostgresBindings()
        binds.append(table.quotedName)
        binds.append(configuration.column)
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT format_type(atttypid, atttypmod) FROM pg_attribute
                    WHERE attrelid = $1::regclass AND attname = $2
                    """, binds: binds), logger: logger)
        for try await (type, ) in rows.decode((String,).self) { return type }
        throw ConnectError("cannot read the type of column \(configuration.column)")
    }

    private func sendUntilAcknowledged(
        _ messages: [Message], _ deliver: @Sendable ([Message]) async throws -> Void
    ) async throws {
        var pause = Duration.milliseconds(100)
        while true {
            do {
                try await deliver(messages)
                return
            } catch {
                logger.warning(
                    "send failed; retrying the same rows", metadata: ["error": "\(error)", "retry_in": "\(pause)"])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(5))
            }
        }
    }

    private func loadState() throws -> State {
        let fresh = State(table: configuration.table, column: configuration.column, position: nil)
        guard let data = FileManager.default.contents(atPath: configuration.statePath) else { return fresh }
        guard let state = try? JSONDecoder().decode(State.self, from: data) else {
            throw ConnectError("state file \(configuration.statePath) is not valid; move it away to start over")
        }
        guard state.table == configuration.table, state.column == configuration.column else {
            throw ConnectError(
                "state file \(configuration.statePath) belongs to \(state.table) by \(state.column); use another --state"
            )
        }
        return state
    }

    private func saveState(_ state: State) throws {
        let data = try JSONEncoder().encode(state)
        let temporary = configuration.statePath + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data),
            rename(temporary, configuration.statePath) == 0
        else { throw ConnectError("cannot write state file \(configuration.statePath)") }
    }

    /// 32 hex digits from the table and the row's position, the same on every re-send.
    static func uniqueKey(table: String, position: String) -> String {
        var high: UInt64 = 0xcbf2_9ce4_8422_2325
        var low: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in table.utf8 { high = (high ^ UInt64(byte)) &* 0x100_0000_01b3 }
        for byte in position.utf8 { low = (low ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Hex.encode(high, uppercase: true) + Hex.encode(low, uppercase: true)
    }
}
