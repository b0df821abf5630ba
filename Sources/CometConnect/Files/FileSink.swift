package import CometClient
import Foundation
package import Logging
import Synchronization

/// Consumes a topic into rolling files of JSON lines (one object per message), each file closed and
/// renamed atomically when rolled by size or age; offsets are kept with the files (see
/// ``RollingFileWriter``), so every message lands in exactly one rolled file.
package final class FileSink: Sendable {
    private let configuration: FileSinkConfiguration
    private let client: ClientConfiguration
    private let logger: Logger

    /// A sink with `configuration`, reading through brokers found with `client`.
    package init(configuration: FileSinkConfiguration, client: ClientConfiguration, logger: Logger) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
    }

    /// Writes until the task is cancelled, then rolls the current file so nothing read stays in progress.
    package func run() async throws {
        let writer = try RollingFileWriter(directory: configuration.directory, topic: configuration.topic)
        let consumer = PullConsumer(group: configuration.group, configuration: client, logger: logger)
        try await consumer.start()
        let queues: [MessageQueue]
        do {
            queues = try await consumer.queues(of: configuration.topic)
        } catch {
            await consumer.shutdown()
            if Task.isCancelled { return }
            throw ConnectError("cannot read topic \(configuration.topic): \(error)")
        }
        logger.info("sink started", metadata: ["dir": "\(configuration.directory)", "queues": "\(queues.count)"])
        let stats = SinkStats()
        do {
            try await withThrowingTaskGroup(of: Void.self) { workers in
                for queue in queues {
                    workers.addTask { try await self.drain(queue, consumer: consumer, writer: writer, stats: stats) }
                }
                workers.addTask {
                    var last = 0
                    var reported = ContinuousClock.now
                    while true {
                        try await Task.sleep(for: .milliseconds(200))
                        if let path = try await writer.rollIfDue(
                            rollSize: self.configuration.rollSize, rollInterval: self.configuration.rollInterval)
                        {
                            self.logger.info("rolled file", metadata: ["path": "\(path)"])
                            for queue in queues {
                                if let offset = await writer.offset(queue) {
                                    try? await consumer.commit(queue, offset: offset)
                                }
                            }
                        }
                        if ContinuousClock.now - reported >= .seconds(10) {
                            let rows = stats.rows.load(ordering: .relaxed)
                            self.logger.info(
                                "progress",
                                metadata: [
                                    "messages_per_s": "\((rows - last) / 10)", "messages_total": "\(rows)",
                                    "lag_messages": "\(stats.totalLag)",
                                ])
                            last = rows
                            reported = .now
                        }
                    }
                }
                try await workers.next()
                workers.cancelAll()
            }
        } catch is CancellationError {
        } catch {
            await consumer.shutdown()
            throw error
        }
        // The run's task is cancelled by now; the last roll runs in a task of its own, which is not.
        if let path = try await Task(operation: { try await writer.roll() }).value {
            logger.info("rolled file", metadata: ["path": "\(path)"])
        }
        await consumer.shutdown()
    }

    private func drain(
        _ queue: MessageQueue, consumer: PullConsumer, writer: RollingFileWriter, stats: SinkStats
    ) async throws {
        let reader = QueueReader(
            consumer: consumer, queue: queue, batchSize: configuration.batchSize, linger: configuration.linger,
            logger: logger)
        var offset: Int64
        if let saved = await writer.offset(queue) {
            offset = saved
        } else {
            offset = try await consumer.offset(queue, for: configuration.start)
        }
        while !Task.isCancelled {
            do {
                let batch = try await reader.next(from: offset)
                stats.lag(queue, end: batch.end, next: offset)
                guard batch.next != offset else { continue }
                var lines: [UInt8] = []
                for message in batch.messages { lines += Self.line(message) }
                try await writer.append(lines, queue: queue, next: batch.next)
                stats.rows.add(batch.messages.count, ordering: .relaxed)
                offset = batch.next
                if let path = try await writer.rollIfDue(
                    rollSize: configuration.rollSize, rollInterval: configuration.rollInterval)
                {
                    logger.info("rolled file", metadata: ["path": "\(path)"])
                }
            } catch is CancellationError {
                return
            } catch let error as ClientError {
                if Task.isCancelled { return }
                logger.warning("pull failed; retrying", metadata: ["queue": "\(queue)", "error": "\(error)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// One message as a JSON object and a newline.
    static func line(_ message: ReceivedMessage) -> [UInt8] {
        let object: [String: Any] = [
            "topic": message.topic, "broker": message.queue.brokerName, "queueId": Int(message.queue.queueId),
            "queueOffset": message.queueOffset, "msgId": message.messageId, "tags": message.tags ?? "",
            "keys": message.keys, "properties": message.properties, "body": message.text,
            "bornTimestamp": message.bornTimestamp, "storeTimestamp": message.storeTimestamp,
        ]
        var bytes = [UInt8]((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
        bytes.append(0x0A)
        return bytes
    }
}
