import ArgumentParser
import CometBroker
import CometCore
import CometProtocol
import CometRemoting
import CometStore
import Foundation
import Logging
import NIOCore
import Synchronization

/// `comet bench transaction`: transactional send throughput (half message + END_TRANSACTION
/// commit per message) against an in-process broker over loopback TCP, next to plain sends.
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
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("comet-bench-tx-\(UUID().uuidString)").path
        var configuration = BrokerConfiguration(dataDirectory: folder)
        configuration.listen = HostAndPort(host: "127.0.0.1", port: 0)
        configuration.store.commitLogSegmentSize = 256 << 20
        var logger = Logger(label: "comet.bench")
        logger.logLevel = .warning
        let broker = try Broker(configuration: configuration, logger: logger)
        let task = Task { try await broker.run() }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        while broker.controller.address == nil { try await Task.sleep(for: .milliseconds(10)) }
        let address = broker.controller.address!
        let client = RemotingClient(logger: logger)
        let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: size)

        for transactional in [false, true] {
            let (count, errors, latencies) = try await measure(client: client, address: address, body: body, transactional: transactional)
            let sorted = latencies.sorted()
            func p(_ q: Double) -> Double { sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) / 1000 }
            print(
                "\(transactional ? "transactional (half + commit)" : "plain send                   "): "
                    + "\(Int(Double(count) / duration)) msg/s, errors \(errors), latency ms p50 \(p(0.5)) p99 \(p(0.99))")
        }
        await client.shutdown()
        task.cancel()
        _ = try? await task.value
    }

    private func measure(client: RemotingClient, address: String, body: ByteBuffer, transactional: Bool) async throws
        -> (Int, Int, [Int64])
    {
        let topic = transactional ? "BenchTx" : "BenchPlain"
        let deadline = ContinuousClock.now + .seconds(duration)
        return try await withThrowingTaskGroup(of: (Int, Int, [Int64]).self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var count = 0
                    var errors = 0
                    var latencies: [Int64] = []
                    while ContinuousClock.now < deadline {
                        let started = ContinuousClock.now
                        var properties = ["WAIT": "true", "UNIQ_KEY": "\(worker)-\(count)"]
                        if transactional {
                            properties["TRAN_MSG"] = "true"
                            properties["PGROUP"] = "BenchTxGroup"
                        }
                        let header = SendMessageRequestHeader(
                            producerGroup: "BenchTxGroup", topic: topic, queueId: Int32(worker % 4),
                            bornTimestamp: Int64(Date().timeIntervalSince1970 * 1000),
                            properties: MessageProperties.encode(properties))
                        let response = try await client.invoke(
                            .request(.sendMessage, header: header, body: body), to: address, timeout: .seconds(10))
                        guard response.code == 0, let sent = try? response.decodeHeader(SendMessageResponseHeader.self),
                            let id = OffsetMessageID(sent.msgId)
                        else {
                            errors += 1
                            continue
                        }
                        if transactional {
                            let end = EndTransactionRequestHeader(
                                producerGroup: "BenchTxGroup", tranStateTableOffset: sent.queueOffset,
                                commitLogOffset: id.commitLogOffset, commitOrRollback: 8, msgId: properties["UNIQ_KEY"]!)
                            let answer = try await client.invoke(.request(.endTransaction, header: end), to: address, timeout: .seconds(10))
                            if answer.code != 0 {
                                errors += 1
                                continue
                            }
                        }
                        let elapsed = ContinuousClock.now - started
                        latencies.append(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)
                        count += 1
                    }
                    return (count, errors, latencies)
                }
            }
            var total = (0, 0, [Int64]())
            for try await (count, errors, latencies) in group {
                total.0 += count
                total.1 += errors
                total.2.append(contentsOf: latencies)
            }
            return total
        }
    }
}
