package import CometClient
import Foundation
package import Logging
import PostgresNIO
import Synchronization

/// Consumes a topic into a PostgreSQL table exactly once: each batch's rows and the queue's next
/// offset are written in one transaction, and on start every queue resumes from the offset in the
/// database, not the broker's. The offset row is updated only if it still holds the offset the batch
/// started at, so even two sinks of one group racing can never write a message twice. A message that
/// cannot be mapped (a poison message) goes to the group's dead-letter queue instead of stopping the sink.
package final class PostgresSink: Sendable {
    private let configuration: PostgresSinkConfiguration
    private let client: ClientConfiguration
    private let logger: Logger
    private let stats = SinkStats()

    /// A sink with `configuration`, reading through brokers found with `client`.
    package init(configuration: PostgresSinkConfiguration, client: ClientConfiguration, logger: Logger) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
    }

    /// Rows written so far.
    package var rowsWritten: Int { stats.rows.load(ordering: .relaxed) }

    /// Checks the database, the table and the topic, then writes until the task is cancelled.
    package func run() async throws {
        let database = PostgresClient(configuration: configuration.dsn.configuration, backgroundLogger: logger)
        let consumer = PullConsumer(group: configuration.group, configuration: client, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await database.run() }
            defer { tasks.cancelAll() }
            let table: PostgresTable
            do {
                table = try await configuration.dsn.withConnection(logger: logger) { connection in
                    let table = try await PostgresTable.lookUp(
                        configuration.table, connection: connection, logger: logger)
                    try await createOffsetsTable(connection)
                    return table
                }
            } catch let error as ConnectError {
                throw error
            } catch {
                throw ConnectError("cannot use PostgreSQL at \(configuration.dsn): \(describe(error))")
            }
            try await consumer.start()
            let queues: [MessageQueue]
            do {
                queues = try await consumer.queues(of: configuration.topic)
            } catch {
                await consumer.shutdown()
                if Task.isCancelled { return }
                throw ConnectError("cannot read topic \(configuration.topic): \(error)")
            }
            logger.info(
                "sink started",
                metadata: [
                    "table": "\(table.quotedName)", "topic": "\(configuration.topic)", "queues": "\(queues.count)",
                ])
            do {
                try await withThrowingTaskGroup(of: Void.self) { workers in
                    for queue in queues {
                        workers.addTask {
                            try await self.drain(queue, consumer: consumer, database: database, table: table)
                        }
                    }
                    workers.addTask { try await self.report() }
                    try await workers.next()
                    workers.cancelAll()
                }
            } catch is CancellationError {
            } catch {
                await consumer.shutdown()
                throw error
            }
            await consumer.shutdown()
        }
    }

    /// Writes one queue's messages batch by batch until cancelled.
    private func drain(
        _ queue: MessageQueue, consumer: PullConsumer, database: PostgresClient, table: PostgresTable
    ) async throws {
        let reader = QueueReader(
            consumer: consumer, queue: queue, batchSize: configuration.batchSize, linger: configuration.linger,
            logger: logger)
        var offset = try await startOffset(queue, consumer: consumer, database: database)
        var pause = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                let batch = try await reader.next(from: offset)
                stats.lag(queue, end: batch.end, next: offset)
                guard batch.next != offset else { continue }
                if try await write(
                    batch.messages, of: queue, from: offset, to: batch.next, into: table, database, consumer)
                {
                    offset = batch.next
                    stats.rows.add(batch.messages.count, ordering: .relaxed)
                    try? await consumer.commit(queue, offset: offset)
                } else {
                    // Another sink of the group moved this queue: continue from what the database holds.
                    offset = try await databaseOffset(queue, database) ?? offset
                    logger.warning(
                        "offset changed by another sink; continuing after it", metadata: ["queue": "\(queue)"])
                }
                pause = .milliseconds(100)
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "batch failed; retrying",
                    metadata: ["queue": "\(queue)", "error": "\(describe(error))", "retry_in": "\(pause)"])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(5))
            }
        }
    }

    /// One transaction: claim the offset row (only if it still holds `from`), insert the rows, commit.
    /// Returns false when another sink had moved the offset (nothing written).
    private func write(
        _ messages: [ReceivedMessage], of queue: MessageQueue, from: Int64, to next: Int64, into table: PostgresTable,
        _ database: PostgresClient, _ consumer: PullConsumer
    ) async throws -> Bool {
        var rows: [[String: Any]] = []
        var mapped: [ReceivedMessage] = []
        var poison: [ReceivedMessage] = []
        for message in messages {
            if let row = configuration.mapping.row(message) {
                rows.append(row)
                mapped.append(message)
            } else {
                poison.append(message)
            }
        }
        // Dead letters first: if the transaction then fails, they are sent again (at least once in the DLQ).
        for message in poison { try await deadLetter(message, consumer, reason: "it is not a JSON object") }
        let insert = try insertStatement(rows, into: table)
        let logger = self.logger
        let claim = claimStatement(queue, from: from, to: next)
        do {
            return try await database.withTransaction(logger: logger) { connection in
                guard try await connection.query(claim, logger: logger).collect().count == 1 else {
                    throw OffsetConflict()
                }
                if let insert { try await connection.query(insert, logger: logger) }
                return true
            }
        } catch {
            if unwrapped(error) is OffsetConflict { return false }
            guard let rejected = unwrapped(error) as? PSQLError, Self.isRowError(rejected) else { throw error }
            // Some row does not fit the table: find which, one savepoint per row, and dead-letter those.
            logger.warning("batch rejected; writing it row by row", metadata: ["error": "\(describe(rejected))"])
        }
        do {
            return try await database.withTransaction(logger: logger) { connection in
                guard try await connection.query(claim, logger: logger).collect().count == 1 else {
                    throw OffsetConflict()
                }
                for (row, message) in zip(rows, mapped) {
                    guard let single = try insertStatement([row], into: table) else { continue }
                    try await connection.query("SAVEPOINT comet_row", logger: logger)
                    do {
                        try await connection.query(single, logger: logger)
                        try await connection.query("RELEASE SAVEPOINT comet_row", logger: logger)
                    } catch let error as PSQLError where Self.isRowError(error) {
                        try await connection.query("ROLLBACK TO SAVEPOINT comet_row", logger: logger)
                        try await deadLetter(message, consumer, reason: describe(error))
                    }
                }
                return true
            }
        } catch {
            if unwrapped(error) is OffsetConflict { return false }
            throw error
        }
    }

    /// A data or constraint error caused by a row's values (SQLSTATE classes 22 and 23), as opposed to
    /// the database being unreachable.
    private static func isRowError(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }

    private func deadLetter(_ message: ReceivedMessage, _ consumer: PullConsumer, reason: String) async throws {
        try await consumer.sendBack(message, deadLetter: true)
        logger.warning(
            "message cannot be written as a row; sent to the dead-letter queue",
            metadata: [
                "reason": "\(reason)", "msg_id": "\(message.messageId)", "queue": "\(message.queue)",
                "offset": "\(message.queueOffset)",
            ])
    }

    private func insertStatement(_ rows: [[String: Any]], into table: PostgresTable) throws -> PostgresQuery? {
        guard !rows.isEmpty else { return nil }
        var present: Set<String> = []
        for row in rows { present.formUnion(row.keys) }
        let columns = table.columns.filter { present.contains($0) }.map(quote)
        guard !columns.isEmpty else {
            throw ConnectError("no field of the messages matches a column of \(table.quotedName) (\(table.columns))")
        }
        let json = try JSONSerialization.data(withJSONObject: rows)
        var binds = PostgresBindings()
        binds.append(String(decoding: json, as: UTF8.self))
        let list = columns.joined(separator: ", ")
        return PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(table.quotedName) (\(list)) \
                SELECT \(list) FROM jsonb_populate_recordset(NULL::\(table.quotedName), $1::jsonb)
                """, binds: binds)
    }

    private func claimStatement(_ queue: MessageQueue, from: Int64, to next: Int64) -> PostgresQuery {
        let offsets = quote(configuration.offsetsTable)
        var binds = PostgresBindings()
        binds.append(configuration.group)
        binds.append(queue.topic)
        binds.append(queue.brokerName)
        binds.append(Int32(queue.queueId))
        binds.append(next)
        binds.append(from)
        return PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(offsets) (group_name, topic, broker, queue_id, next_offset) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (group_name, topic, broker, queue_id) DO UPDATE SET next_offset = EXCLUDED.next_offset
                WHERE \(offsets).next_offset = $6 RETURNING next_offset
                """, binds: binds)
    }

    private func createOffsetsTable(_ connection: PostgresConnection) async throws {
        try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    CREATE TABLE IF NOT EXISTS \(quote(configuration.offsetsTable)) (
                        group_name text NOT NULL, topic text NOT NULL, broker text NOT NULL, queue_id integer NOT NULL,
                        next_offset bigint NOT NULL, PRIMARY KEY (group_name, topic, broker, queue_id))
                    """), logger: logger)
    }

    private func databaseOffset(_ queue: MessageQueue, _ database: PostgresClient) async throws -> Int64? {
        var binds = PostgresBindings()
        binds.append(configuration.group)
        binds.append(queue.topic)
        binds.append(queue.brokerName)
        binds.append(Int32(queue.queueId))
        let rows = try await database.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT next_offset FROM \(quote(configuration.offsetsTable))
                    WHERE group_name = $1 AND topic = $2 AND broker = $3 AND queue_id = $4
                    """, binds: binds))
        for try await (offset, ) in rows.decode((Int64,).self) { return offset }
        return nil
    }

    /// The database's offset; else the group's offset on the broker; else the configured start.
    private func startOffset(
        _ queue: MessageQueue, consumer: PullConsumer, database: PostgresClient
    ) async throws -> Int64 {
        var pause = Duration.milliseconds(100)
        while true {
            do {
                if let offset = try await databaseOffset(queue, database) { return offset }
                if let offset = try await consumer.committedOffset(queue), offset >= 0 { return offset }
                return try await consumer.offset(queue, for: configuration.start)
            } catch {
                logger.warning(
                    "cannot read the start offset; retrying",
                    metadata: ["queue": "\(queue)", "error": "\(describe(error))"])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(5))
            }
        }
    }

    private func report() async throws {
        var last = 0
        while true {
            try await Task.sleep(for: configuration.reportInterval)
            let rows = stats.rows.load(ordering: .relaxed)
            let seconds = Double(configuration.reportInterval.components.seconds)
            logger.info(
                "progress",
                metadata: [
                    "rows_per_s": "\(Int(Double(rows - last) / max(seconds, 1)))", "rows_total": "\(rows)",
                    "lag_messages": "\(stats.totalLag)",
                ])
            last = rows
        }
    }
}

/// Another sink moved the offset row first.
private struct OffsetConflict: Error {}

/// Counters a sink's workers share.
final class SinkStats: Sendable {
    /// Rows (or lines) written.
    let rows = Atomic<Int>(0)
    private let lags = Mutex<[MessageQueue: Int64]>([:])

    /// Records how far `queue` is behind its end.
    func lag(_ queue: MessageQueue, end: Int64, next: Int64) { lags.withLock { $0[queue] = max(0, end - next) } }

    /// Messages behind, over every queue.
    var totalLag: Int64 { lags.withLock { $0.values.reduce(0, +) } }
}
