import ArgumentParser
import CometBroker
import CometCore
import CometStore
import Foundation
import Logging
import NIOCore

/// `comet bench timer`: timer accuracy with many pending deliver-at messages.
///
/// Runs a broker in-process on a temporary folder, stores `--count` messages whose deliver-at
/// times are spread over `--spread` seconds starting `--lead` seconds after the last one is
/// stored (so all are pending at once), waits until every one is delivered and reports the
/// lateness (delivery store time − deliver-at) percentiles.
struct BenchTimerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timer", abstract: "Measure deliver-at (timer) message lateness with many pending.")

    @Option(help: "Timer messages to hold at once.")
    var count = 100_000

    @Option(help: "Seconds over which the deliver times are spread.")
    var spread: Double = 20

    @Option(help: "Seconds between the last store and the first deliver time.")
    var lead: Double = 3

    @Option(help: "Data folder (default: a temporary folder, removed afterwards).")
    var data: String?

    func validate() throws {
        guard count >= 1, spread >= 0, lead >= 0 else { throw ValidationError("--count ≥ 1, --spread and --lead ≥ 0") }
    }

    func run() async throws {
        let folder =
            data
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("comet-bench-timer-\(UUID().uuidString)")
            .path
        var configuration = BrokerConfiguration(dataDirectory: folder)
        configuration.listen = HostAndPort(host: "127.0.0.1", port: 0)
        configuration.store.commitLogSegmentSize = 256 << 20
        var logger = Logger(label: "comet.bench")
        logger.logLevel = .warning
        let broker = try Broker(configuration: configuration, logger: logger)
        let task = Task { try await broker.run() }
        defer { if data == nil { try? FileManager.default.removeItem(atPath: folder) } }
        _ = try await broker.controller.ready.wait()
        let store = broker.controller.store!
        let scheduler = broker.controller.scheduler
        let topic = "BenchTimer"
        let queues: Int32 = 4

        // Estimate the store rate with the first batch, then aim every deliver time past the end.
        let started = Date()
        let batchSize = 1000
        var stored = 0
        var firstDue: Int64 = 0
        let spreadMillis = Int64(spread * 1000)
        while stored < count {
            let now = Self.now()
            if stored == batchSize || firstDue == 0 {
                let elapsed = max(1, now - Int64(started.timeIntervalSince1970 * 1000))
                let perMessage = Double(elapsed) / Double(max(1, stored))
                let remaining =
                    stored == 0 ? Int64(Double(count) * 0.05) : Int64(perMessage * Double(count - stored) * 1.3)
                firstDue = now + remaining + Int64(lead * 1000)
            }
            var batch: [StoredMessage] = []
            for i in stored..<min(count, stored + batchSize) {
                let due = firstDue + (count > 1 ? spreadMillis * Int64(i) / Int64(count - 1) : 0)
                let message = StoredMessage(
                    topic: topic, queueID: Int32(i) % queues, body: ByteBuffer(string: "timer \(i)"),
                    properties: ["TIMER_DELIVER_MS": String(due), "BENCH_DUE": String(due)], bornTimestamp: now)
                batch.append(try scheduler.route(message, now: now))
            }
            _ = try await store.putMessages(batch)
            stored += batch.count
        }
        let storeSeconds = Date().timeIntervalSince(started)
        let lastDue = firstDue + spreadMillis
        print(
            "stored \(count) timer messages in \(String(format: "%.1f", storeSeconds)) s; first due in \(firstDue - Self.now()) ms, spread \(spread) s"
        )
        if firstDue < Self.now() {
            print("warning: storing took longer than estimated; early messages were already due when stored")
        }

        var delivered = 0
        while delivered < count {
            try await Task.sleep(for: .milliseconds(500))
            delivered = (0..<queues).reduce(0) { $0 + Int(store.maxOffset(topic: topic, queueID: $1)) }
            if Self.now() > lastDue + 60_000 { break }
        }
        var lateness: [Int64] = []
        lateness.reserveCapacity(count)
        for queue in 0..<queues {
            var offset: Int64 = 0
            while offset < store.maxOffset(topic: topic, queueID: queue) {
                let result = try await store.getMessages(
                    topic: topic, queueID: queue, offset: offset, maxCount: 1024, maxBytes: 1 << 26)
                for slice in result.messages {
                    guard let message = try? slice.decode(),
                        let due = message.properties["BENCH_DUE"].flatMap({ Int64($0) })
                    else { continue }
                    lateness.append(message.storeTimestamp - due)
                }
                guard result.nextBeginOffset > offset else { break }
                offset = result.nextBeginOffset
            }
        }
        lateness.sort()
        func percentile(_ p: Double) -> Int64 {
            lateness.isEmpty ? 0 : lateness[min(lateness.count - 1, Int(Double(lateness.count) * p))]
        }
        print("delivered \(lateness.count) of \(count)")
        print(
            "lateness ms: min \(lateness.first ?? 0) p50 \(percentile(0.5)) p90 \(percentile(0.9)) p99 \(percentile(0.99)) max \(lateness.last ?? 0)"
        )
        print("early (negative lateness): \(lateness.filter { $0 < 0 }.count)")
        task.cancel()
        _ = try? await task.value
    }

    private static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
