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

    @Flag(help: "Print the final result as one JSON object.")
    var json = false

    func validate() throws {
        bootstrapQuietLogging()
        guard size >= 16, producers >= 1, inflight >= 1, duration > 0 else {
            throw ValidationError("--size must be ≥ 16, --producers, --inflight and --duration positive")
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

    func record(micros: UInt64) {
        state.withLock { state in
            _ = state.histogram.record(max(1, micros))
            _ = state.interval.record(max(1, micros))
            state.count += 1
            state.intervalCount += 1
        }
    }

    func recordError() { state.withLock { $0.errors += 1 } }

    /// One progress line for the last interval.
    func tick(seconds: Double, label: String) -> String {
        state.withLock { state in
            let rate = Double(state.intervalCount) / seconds
            let line = String(
                format: "%@ %8.0f msgs/s %7.2f MB/s  p50 %6.2f ms  p99 %6.2f ms  p999 %6.2f ms  errors %d", label, rate,
                rate * Double(size) / 1e6, Double(state.interval.valueAtPercentile(50)) / 1000,
                Double(state.interval.valueAtPercentile(99)) / 1000, Double(state.interval.valueAtPercentile(99.9)) / 1000,
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
        print("\(label) summary:", summary.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
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
                let line = recorder.tick(seconds: Double((now - last).components.attoseconds) / 1e18 + Double((now - last).components.seconds), label: label)
                if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
                last = now
            }
        }
        await group.waitForAll()
    }
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Sends as fast as `inflight` allows from every producer until the deadline; bodies start with
/// the send time (µs) so e2e consumers can measure latency.
func produceLoad(_ options: LoadOptions, recorder: LoadRecorder, until deadline: ContinuousClock.Instant) async throws {
    var producers: [Producer] = []
    for i in 0..<options.producers {
        var configuration = options.client.configuration
        configuration.instanceName = "bench-\(i)-\(getpid())"
        let producer = Producer(group: "comet-bench", configuration: configuration)
        try await producer.start()
        producers.append(producer)
    }
    let topic = options.client.topic
    let size = options.size
    await withTaskGroup(of: Void.self) { group in
        for producer in producers {
            for _ in 0..<options.inflight {
                group.addTask {
                    var body = [UInt8](repeating: UInt8(ascii: "x"), count: size)
                    while ContinuousClock.now < deadline {
                        let sentAt = UInt64(Date().timeIntervalSince1970 * 1_000_000)
                        withUnsafeBytes(of: sentAt.bigEndian) { for i in 0..<8 { body[i] = $0[i] } }
                        let start = ContinuousClock.now
                        do {
                            _ = try await producer.send(Message(topic: topic, body: body))
                            let elapsed = ContinuousClock.now - start
                            recorder.record(micros: UInt64(elapsed.components.seconds) * 1_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000))
                        } catch {
                            recorder.recordError()
                            try? await Task.sleep(for: .milliseconds(100))
                        }
                    }
                }
            }
        }
    }
    for producer in producers { await producer.shutdown() }
}

/// `comet bench produce`.
struct BenchProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce", abstract: "Send as fast as possible; report msgs/s, MB/s and send latency.")

    @OptionGroup var load: LoadOptions

    func run() async throws {
        let recorder = LoadRecorder(size: load.size)
        let deadline = ContinuousClock.now + .milliseconds(Int64(load.duration * 1000))
        let options = load
        let errors = Mutex<(any Error)?>(nil)
        let seconds = await runWithProgress(duration: load.duration, recorder: recorder, label: "produce", quiet: load.json) {
            do { try await produceLoad(options, recorder: recorder, until: deadline) } catch { errors.withLock { $0 = error } }
        }
        if let error = errors.withLock({ $0 }) { throw error }
        printSummary(recorder.summary(seconds: seconds), json: load.json, label: "produce")
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
        let recorder = LoadRecorder(size: load.size)
        var options = PushConsumer.Options()
        options.consumeFrom = .earliest
        let consumer = PushConsumer(group: group, configuration: load.client.configuration, options: options)
        try consumer.subscribe(load.client.topic)
        try await consumer.start { message in
            recorder.record(micros: 1)
            return .success
        }
        let seconds = await runWithProgress(duration: load.duration, recorder: recorder, label: "consume", quiet: load.json) {
            try? await Task.sleep(for: .milliseconds(Int64(self.load.duration * 1000)))
        }
        await consumer.shutdown()
        var summary = recorder.summary(seconds: seconds)
        for key in ["p50_ms", "p99_ms", "p999_ms", "max_ms"] { summary.removeValue(forKey: key) }
        printSummary(summary, json: load.json, label: "consume")
    }
}

/// `comet bench e2e`: latency from send to receipt.
struct BenchE2ECommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e", abstract: "Send and consume at once; report end-to-end latency (send → receipt).")

    @OptionGroup var load: LoadOptions

    func run() async throws {
        let sendRecorder = LoadRecorder(size: load.size)
        let e2e = LoadRecorder(size: load.size)
        let consumer = PushConsumer(group: "comet-bench-e2e-\(getpid())", configuration: load.client.configuration)
        try consumer.subscribe(load.client.topic)
        try await consumer.start { message in
            guard message.body.count >= 8 else { return .success }
            let sentAt = message.body.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let now = UInt64(Date().timeIntervalSince1970 * 1_000_000)
            e2e.record(micros: now > sentAt ? now - sentAt : 1)
            return .success
        }
        try await Task.sleep(for: .seconds(2))  // let the consumer own its queues before sending
        let deadline = ContinuousClock.now + .milliseconds(Int64(load.duration * 1000))
        let options = load
        let seconds = await runWithProgress(duration: load.duration, recorder: e2e, label: "e2e", quiet: load.json) {
            try? await produceLoad(options, recorder: sendRecorder, until: deadline)
        }
        try await Task.sleep(for: .seconds(2))
        await consumer.shutdown()
        var summary = e2e.summary(seconds: seconds)
        summary["send"] = sendRecorder.summary(seconds: seconds)
        printSummary(summary, json: load.json, label: "e2e")
    }
}
