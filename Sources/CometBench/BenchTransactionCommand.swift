import ArgumentParser
import CometBroker
import CometClient
import CometStore
import CometTestSupport
import Logging

/// `comet bench transaction`: transactional send throughput (half message, local transaction,
/// END_TRANSACTION commit per message) through the client library against an in-process name
/// server and broker over loopback TCP, next to plain sends.
struct BenchTransactionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transaction", abstract: "Measure transactional send (half + commit) throughput.")

    @Option(help: "Concurrent senders.")
    var concurrency = 32

    @Option(help: "Seconds per measurement.")
    var duration: Double = 10

    @Option(help: "Body size in bytes.")
    var size = 128

    func validate() throws {
        guard concurrency >= 1, duration > 0, size >= 1 else { throw ValidationError("positive values only") }
    }

    func run() async throws {
        let logger = {
            var logger = Logger(label: "comet.bench")
            logger.logLevel = .warning
            return logger
        }()
        let (concurrency, duration) = (self.concurrency, self.duration)
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: size)
        let configure: (inout BrokerConfiguration) -> Void = { $0.store.commitLogSegmentSize = 256 << 20 }
        try await InProcessCluster.with(logger: logger, configure: configure) { cluster in
            let configuration = ClientConfiguration(nameServers: [cluster.nameServerAddress])
            let plain = Producer(group: "BenchPlainGroup", configuration: configuration, logger: logger)
            let transactional = TransactionProducer(group: "BenchTxGroup", configuration: configuration, logger: logger)
            {
                _ in .commit
            }
            try await plain.start()
            try await transactional.start()
            for isTransactional in [false, true] {
                let topic = isTransactional ? "BenchTx" : "BenchPlain"
                let send: @Sendable (Message) async throws(ClientError) -> Void
                if isTransactional {
                    send = { @Sendable message throws(ClientError) in
                        _ = try await transactional.send(message) { _, _ in .commit }
                    }
                } else {
                    send = { @Sendable message throws(ClientError) in _ = try await plain.send(message) }
                }
                let (count, errors, latencies) = await Self.measure(
                    concurrency: concurrency, duration: duration, topic: topic, body: body, send: send)
                let sorted = latencies.sorted()
                func p(_ q: Double) -> Double {
                    sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) / 1000
                }
                print(
                    "\(isTransactional ? "transactional (half + commit)" : "plain send                   "): "
                        + "\(Int(Double(count) / duration)) msg/s, errors \(errors), latency ms p50 \(p(0.5)) p99 \(p(0.99))"
                )
            }
            await plain.shutdown()
            await transactional.shutdown()
        }
    }

    /// Runs `concurrency` senders for `duration` seconds; returns sends, errors and latencies in µs.
    private static func measure(
        concurrency: Int, duration: Double, topic: String, body: [UInt8],
        send: @escaping @Sendable (Message) async throws(ClientError) -> Void
    ) async -> (Int, Int, [Int64]) {
        let deadline = ContinuousClock.now + .seconds(duration)
        return await withTaskGroup(of: (Int, Int, [Int64]).self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var count = 0
                    var errors = 0
                    var latencies: [Int64] = []
                    while ContinuousClock.now < deadline {
                        let started = ContinuousClock.now
                        do {
                            try await send(Message(topic: topic, body: body, keys: ["\(worker)-\(count)"]))
                        } catch {
                            errors += 1
                            continue
                        }
                        let elapsed = ContinuousClock.now - started
                        latencies.append(
                            elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)
                        count += 1
                    }
                    return (count, errors, latencies)
                }
            }
            var total = (0, 0, [Int64]())
            for await (count, errors, latencies) in group {
                total.0 += count
                total.1 += errors
                total.2.append(contentsOf: latencies)
            }
            return total
        }
    }
}
