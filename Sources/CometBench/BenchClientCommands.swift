import ArgumentParser
import CometClient
import CometCommandSupport
import Foundation
import Histogram
import Synchronization

/// Options of the client load generators.
struct LoadOptions: ParsableArguments {
    @OptionGroup var client: ClientOptions

    @Option(help: "Body size in bytes.")
    var size = 1024

    @Option(help: "Producers (each its own connection set).")
    var producers = 4

    @Option(help: "Sends in flight per producer.")
    var inflight = 64

    @Option(help: "Seconds to run.")
    var duration: Double = 30

    @Option(help: "Messages per send(batch:) call (1 = single sends).")
    var batch = 1

    @Option(
        help: ArgumentHelp(
            "Target send rate in msgs/s across all producers (0 = as fast as possible).",
            discussion: """
                With a rate, message i is due at start + i/rate; latency counts from that intended time, not \
                from when a sender got to it, so a stall shows up in the percentiles (no coordinated omission).
                """))
    var rate: Double = 0

    @Option(
        name: .customLong("broker-pid"),
        help: "PID of the broker process: report its CPU seconds per message next to the bench's own.")
    var brokerPID: Int32?

    @Option(
        name: .customLong("protocol"),
        help: ArgumentHelp(
            "remoting (RocketMQ 4.x, through --namesrv) or grpc (RocketMQ 5.x, straight to --endpoint).",
            valueName: "protocol"))
    var wire: BenchProtocol = .remoting

    @Option(help: "The gRPC endpoint HOST:PORT for --protocol grpc (comet standalone serves 8081).")
    var endpoint = "127.0.0.1:8081"

    @Flag(help: "Print the final result as one JSON object.")
    var json = false

    func validate() throws {
        bootstrapQuietLogging()
        guard size >= 16, producers >= 1, inflight >= 1, duration > 0, batch >= 1, rate >= 0 else {
            throw ValidationError(
                "--size must be ≥ 16; --producers, --inflight, --batch and --duration positive; --rate ≥ 0")
        }
        if let brokerPID, ProcessCPU.seconds(ofProcess: brokerPID) == nil {
            throw ValidationError("--broker-pid \(brokerPID): no such process (or /proc is not readable)")
        }
    }
}

/// Counts and a latency histogram (µs) shared by the load tasks, reported every second.
final class LoadRecorder: Sendable {
    private struct State {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var interval = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var count = 0
        var intervalCount = 0
        var errors = 0
    }

    private let state = Mutex(State())
    let size: Int

    init(size: Int) { self.size = size }

    /// Records `count` messages that took `micros` each (a batch counts its messages).
    func record(micros: UInt64, count: Int = 1) {
        state.withLock { state in
            _ = state.histogram.record(max(1, micros), count: UInt64(count))
            _ = state.interval.record(max(1, micros), count: UInt64(count))
            state.count += count
            state.intervalCount += count
        }
    }

    /// Messages recorded so far.
    var count: Int { state.withLock { $0.count } }

    func recordError() { state.withLock { $0.errors += 1 } }

    /// One progress line for the last interval.
    func tick(seconds: Double, label: String) -> String {
        state.withLock { state in
            let rate = Double(state.intervalCount) / seconds
            let line = String(
                format: "%@ %8.0f msgs/s %7.2f MB/s  p50 %6.2f ms  p99 %6.2f ms  p999 %6.2f ms  errors %d", label, rate,
                rate * Double(size) / 1e6, Double(state.interval.valueAtPercentile(50)) / 1000,
                Double(state.interval.valueAtPercentile(99)) / 1000,
                Double(state.interval.valueAtPercentile(99.9)) / 1000,
                state.errors)
            state.interval.reset()
            state.intervalCount = 0
            return line
        }
    }

    /// The final summary as JSON-ready values.
    func summary(seconds: Double) -> [String: Any] {
        state.withLock { state in
            [
                "messages": state.count, "errors": state.errors, "seconds": seconds,
                "msgs_per_s": Double(state.count) / seconds, "mb_per_s": Double(state.count * size) / seconds / 1e6,
                "p50_ms": Double(state.histogram.valueAtPercentile(50)) / 1000,
                "p99_ms": Double(state.histogram.valueAtPercentile(99)) / 1000,
                "p999_ms": Double(state.histogram.valueAtPercentile(99.9)) / 1000,
                "max_ms": Double(state.histogram.max) / 1000,
            ]
        }
    }
}

func printSummary(_ summary: [String: Any], json: Bool, label: String) {
    if json {
        let data = (try? JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])) ?? Data()
        print(String(decoding: data, as: UTF8.self))
    } else {
        print(
            "\(label) summary:",
            summary.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
}

/// Runs `body` until `duration`, printing progress every second.
func runWithProgress(
    duration: Double, recorder: LoadRecorder, label: String, quiet: Bool, _ body: @escaping @Sendable () async -> Void
) async -> Double {
    let start = ContinuousClock.now
    await withTaskGroup(of: Void.self) { group in
        group.addTask { await body() }
        group.addTask {
            var last = ContinuousClock.now
            while ContinuousClock.now - start < .milliseconds(Int64(duration * 1000)) {
                try? await Task.sleep(for: .seconds(1))
                let now = ContinuousClock.now
                let line = recorder.tick(
                    seconds: Double((now - last).components.attoseconds) / 1e18
                        + Double((now - last).components.seconds), label: label)
                if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
                last = now
            }
        }
        await group.waitForAll()
    }
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Started producers for a load run.
func startProducers(_ options: LoadOptions) async throws -> [Producer] {
    var producers: [Producer] = []
    for i in 0..<options.producers {
        var configuration = options.client.configuration
        configuration.instanceName = "bench-\(i)-\(getpid())"
        let producer = Producer(group: "comet-bench", configuration: configuration)
        try await producer.start()
        producers.append(producer)
    }
    return producers
}

/// Microseconds since the epoch (what bodies carry, so another process can measure latency).
func wallMicros() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1_000_000) }

/// Sends from every producer until the deadline: as fast as `inflight` allows, or at `rate`.
/// Bodies start with the send time (µs since the epoch; with a rate, the intended send time) so
/// e2e consumers can measure latency from it.
func produceLoad(
    _ options: LoadOptions, producers: [Producer], recorder: LoadRecorder, until deadline: ContinuousClock.Instant
) async {
    let topic = options.client.topic
    let size = options.size
    let batch = options.batch
    let pacer = options.rate > 0 ? SendPacer(rate: options.rate / Double(batch)) : nil
    await withTaskGroup(of: Void.self) { group in
        for producer in producers {
            for _ in 0..<options.inflight {
                group.addTask {
                    var bodies = [[UInt8]](repeating: [UInt8](repeating: UInt8(ascii: "x"), count: size), count: batch)
                    while true {
                        // With a rate, latency counts from the intended time, not from when this task got to it.
                        var started = ContinuousClock.now
                        var sentAt = wallMicros()
                        if let pacer {
                            guard let due = await pacer.next(until: deadline) else { break }
                            sentAt = due.wallMicros
                            started = due.instant
                        } else if started >= deadline {
                            break
                        }
                        for i in 0..<batch {
                            withUnsafeBytes(of: sentAt.bigEndian) { for j in 0..<8 { bodies[i][j] = $0[j] } }
                        }
                        do {
                            if batch == 1 {
                                _ = try await producer.send(Message(topic: topic, body: bodies[0]))
                            } else {
                                _ = try await producer.send(batch: bodies.map { Message(topic: topic, body: $0) })
                            }
                            let elapsed = ContinuousClock.now - started
                            recorder.record(
                                micros: UInt64(max(0, elapsed.components.seconds)) * 1_000_000
                                    + UInt64(max(0, elapsed.components.attoseconds / 1_000_000_000_000)),
                                count: batch)
                        } catch {
                            recorder.recordError()
                            try? await Task.sleep(for: .milliseconds(100))
                        }
                    }
                }
            }
        }
    }
}

/// Hands out send times at a fixed rate, the OpenMessaging-Benchmark way: send `i` is due at
/// `start + i / rate` whether or not the previous ones went out in time.
final class SendPacer: Sendable {
    /// When one send is due, on the monotonic clock and as wall-clock µs.
    struct Due {
        var instant: ContinuousClock.Instant
        var wallMicros: UInt64
    }

    private let next = Mutex<Int>(0)
    private let interval: Duration
    private let start = ContinuousClock.now
    private let wallStart = wallMicros()

    init(rate: Double) { interval = .nanoseconds(Int64(1e9 / rate)) }

    /// Waits until the next send is due; nil once that is past `deadline`.
    func next(until deadline: ContinuousClock.Instant) async -> Due? {
        let index = next.withLock { value in
            defer { value += 1 }
            return value
        }
        let offset = interval * index
        let due = start + offset
        guard due < deadline else { return nil }
        if due > .now { try? await Task.sleep(until: due, tolerance: .microseconds(100)) }
        let micros = offset.components.seconds * 1_000_000 + offset.components.attoseconds / 1_000_000_000_000
        return Due(instant: due, wallMicros: wallStart + UInt64(micros))
    }
}

/// `comet bench produce`.
struct BenchProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Send as fast as possible (or at --rate); report msgs/s, MB/s, send latency and CPU per message.")

    @OptionGroup var load: LoadOptions

    func run() async throws {
        if load.wire == .grpc { return try await runGRPC() }
        let recorder = LoadRecorder(size: load.size)
        let producers = try await startProducers(load)
        let deadline = ContinuousClock.now + .milliseconds(Int64(load.duration * 1000))
        let options = load
        let cpu = CPUSample(brokerPID: load.brokerPID)
        let seconds = await runWithProgress(
            duration: load.duration, recorder: recorder, label: "produce", quiet: load.json
        ) {
            await produceLoad(options, producers: producers, recorder: recorder, until: deadline)
        }
        var summary = recorder.summary(seconds: seconds)
        summary.merge(cpu.summary(messages: recorder.count)) { $1 }
        for producer in producers { await producer.shutdown() }
        printSummary(summary, json: load.json, label: "produce")
    }

    /// The same load as v5 SendMessage calls, one HTTP/2 connection per producer.
    func runGRPC() async throws {
        let recorder = LoadRecorder(size: load.size)
        let options = load
        let cpu = CPUSample(brokerPID: load.brokerPID)
        let seconds = try await GRPCLoad.withClients(endpoint: load.endpoint, count: load.producers) { clients in
            let deadline = ContinuousClock.now + .milliseconds(Int64(options.duration * 1000))
            return await runWithProgress(
                duration: options.duration, recorder: recorder, label: "produce(grpc)", quiet: options.json
            ) {
                await GRPCLoad.produce(options, clients: clients, recorder: recorder, until: deadline)
            }
        }
        var summary = recorder.summary(seconds: seconds)
        summary.merge(cpu.summary(messages: recorder.count)) { $1 }
        printSummary(summary, json: load.json, label: "produce")
    }
}

/// `comet bench consume`: consumption rate of a topic's backlog and new messages.
struct BenchConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume", abstract: "Consume as fast as possible; report msgs/s and MB/s.")

    @OptionGroup var load: LoadOptions

    @Option(name: .shortAndLong, help: "Consumer group (a new one starts at the earliest message).")
    var group = "comet-bench-\(getpid())"

    func run() async throws {
        if load.wire == .grpc { return try await runGRPC() }
        let recorder = LoadRecorder(size: load.size)
        var options = PushConsumer.Options()
        options.consumeFrom = .earliest
        let consumer = PushConsumer(group: group, configuration: load.client.configuration, options: options)
        try consumer.subscribe(load.client.topic)
        let cpu = CPUSample(brokerPID: load.brokerPID)
        try await consumer.start { message in
            recorder.record(micros: 1)
            return .success
        }
        let seconds = await runWithProgress(
            duration: load.duration, recorder: recorder, label: "consume", quiet: load.json
        ) {
            try? await Task.sleep(for: .milliseconds(Int64(self.load.duration * 1000)))
        }
        let usage = cpu.summary(messages: recorder.count)
        await consumer.shutdown()
        var summary = recorder.summary(seconds: seconds)
        summary.merge(usage) { $1 }
        for key in ["p50_ms", "p99_ms", "p999_ms", "max_ms"] { summary.removeValue(forKey: key) }
        printSummary(summary, json: load.json, label: "consume")
    }

    /// v5 POP consumption: ReceiveMessage batches then AckMessage; the latency percentiles are
    /// receive-to-ack times. A new group starts at the queue's first message.
    func runGRPC() async throws {
        let recorder = LoadRecorder(size: load.size)
        let options = load
        let group = self.group
        let cpu = CPUSample(brokerPID: load.brokerPID)
        let seconds = try await GRPCLoad.withClients(endpoint: load.endpoint, count: load.producers) { clients in
            let deadline = ContinuousClock.now + .milliseconds(Int64(options.duration * 1000))
            return await runWithProgress(
                duration: options.duration, recorder: recorder, label: "consume(grpc)", quiet: options.json
            ) {
                await GRPCLoad.consume(options, group: group, clients: clients, recorder: recorder, until: deadline)
            }
        }
        var summary = recorder.summary(seconds: seconds)
        summary.merge(cpu.summary(messages: recorder.count)) { $1 }
        printSummary(summary, json: load.json, label: "consume")
    }
}

/// `comet bench e2e`: latency from send to receipt.
struct BenchE2ECommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract: "Send and consume at once; report end-to-end latency (send → receipt).",
        discussion: """
            Use --rate for a fixed send rate (e.g. --rate 10000): latency then counts from each message's \
            intended send time. Without it, senders go as fast as they can and a consumer that falls behind \
            shows as growing latency.
            """)

    @OptionGroup var load: LoadOptions

    func validate() throws {
        if load.wire == .grpc {
            throw ValidationError("e2e runs over remoting only; use produce/consume --protocol grpc")
        }
    }

    func run() async throws {
        let sendRecorder = LoadRecorder(size: load.size)
        let e2e = LoadRecorder(size: load.size)
        let consumer = PushConsumer(group: "comet-bench-e2e-\(getpid())", configuration: load.client.configuration)
        try consumer.subscribe(load.client.topic)
        try await consumer.start { message in
            guard message.body.count >= 8 else { return .success }
            let sentAt = message.body.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let now = wallMicros()
            e2e.record(micros: now > sentAt ? now - sentAt : 1)
            return .success
        }
        let producers = try await startProducers(load)
        try await Task.sleep(for: .seconds(2))  // let the consumer own its queues before sending
        let deadline = ContinuousClock.now + .milliseconds(Int64(load.duration * 1000))
        let options = load
        let cpu = CPUSample(brokerPID: load.brokerPID)
        let seconds = await runWithProgress(duration: load.duration, recorder: e2e, label: "e2e", quiet: load.json) {
            await produceLoad(options, producers: producers, recorder: sendRecorder, until: deadline)
        }
        try await Task.sleep(for: .seconds(2))
        // Client CPU covers producing and consuming; per message sent.
        let usage = cpu.summary(messages: sendRecorder.count)
        for producer in producers { await producer.shutdown() }
        await consumer.shutdown()
        var summary = e2e.summary(seconds: seconds)
        summary["send"] = sendRecorder.summary(seconds: seconds)
        summary.merge(usage) { $1 }
        printSummary(summary, json: load.json, label: "e2e")
    }
}
