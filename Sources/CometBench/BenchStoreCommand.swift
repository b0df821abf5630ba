import ArgumentParser
import CometCore
import CometStore
import Dispatch
import Foundation
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `comet bench store`: throughput of the storage engine for fixed-size messages, next to the
/// raw sequential write bandwidth measured with `dd` in the same run.
struct BenchStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Benchmark the storage engine (append, group commit, read) against dd.")

    @Option(help: "Scratch directory (a temporary directory under it is removed afterwards).")
    var dir: String = "/tmp"

    @Option(help: "Message body size in bytes.")
    var bodySize: Int = 1024

    @Option(help: "Messages for the async-flush append and sequential read runs.")
    var messages: Int = 1_000_000

    @Option(help: "Seconds per sync-flush run.")
    var syncSeconds: Double = 5

    @Option(help: "Concurrent appenders in the async run.")
    var asyncAppenders: Int = 16

    @Option(help: "Commit-log segment size in MiB.")
    var segmentMiB: Int = 1024

    @Option(help: "Messages for the backlog read-latency run (0 = skip).")
    var backlog: Int = 0

    @Flag(help: "Skip the dd measurement.")
    var skipDD = false

    func run() async throws {
        let root = "\(dir)/comet-bench-\(getpid())"
        defer { Self.removeTree(root) }
        mkdir(root, 0o755)
        var ddMBps: Double?
        if !skipDD {
            ddMBps = Self.ddBandwidth(path: root + "/dd.bin")
            unlink(root + "/dd.bin")
            if let ddMBps { print("dd sequential write (1 GiB, conv=fdatasync): \(Self.f(ddMBps)) MB/s") }
        }
        let asyncResult = try await appendRun(
            root: root + "/async", flushMode: .async, appenders: asyncAppenders,
            count: messages, seconds: nil, keepForRead: true)
        print(Self.line("async flush append", asyncResult.rate, asyncResult.mbps, appenders: asyncAppenders))
        if let ddMBps {
            print("  async append / dd = \(Self.f(asyncResult.mbps / ddMBps * 100, 0))%")
        }
        let batched = try await appendRun(
            root: root + "/batched", flushMode: .async, appenders: asyncAppenders,
            count: messages, seconds: nil, keepForRead: false, batch: 32)
        print(Self.line("async flush append, batches of 32", batched.rate, batched.mbps, appenders: asyncAppenders))
        if let ddMBps {
            print("  batched async append / dd = \(Self.f(batched.mbps / ddMBps * 100, 0))%")
        }
        if let readMBps = asyncResult.readMBps {
            print("sequential read (pull body copies): \(Self.f(readMBps)) MB/s")
        }
        for appenders in [1, 8, 64] {
            let result = try await appendRun(
                root: root + "/sync\(appenders)", flushMode: .sync, appenders: appenders,
                count: nil, seconds: syncSeconds, keepForRead: false)
            print(Self.line("sync flush (group commit)", result.rate, result.mbps, appenders: appenders))
        }
        if backlog > 0 { try await backlogRun(root: root + "/backlog") }
    }

    private final class Counter: Sendable {
        let value: Atomic<Int>
        init(_ initial: Int) { value = Atomic(initial) }
    }

    private struct RunResult {
        var rate: Double
        var mbps: Double
        var readMBps: Double?
    }

    private func storeConfiguration(_ path: String, _ flushMode: FlushMode) -> MessageStoreConfiguration {
        var configuration = MessageStoreConfiguration(rootDirectory: path)
        configuration.commitLogSegmentSize = segmentMiB * 1024 * 1024
        configuration.flushMode = flushMode
        configuration.indexHashSlots = 500_000
        configuration.indexMaxEntries = 2_000_000
        configuration.storeHost = MessageHost(address: [127, 0, 0, 1], port: 10911)
        return configuration
    }

    private func message(_ queueID: Int32) -> StoredMessage {
        var body = ByteBufferAllocator().buffer(capacity: bodySize)
        body.writeRepeatingByte(UInt8(ascii: "m"), count: bodySize)
        return StoredMessage(
            topic: "BenchTopic", queueID: queueID, body: body, properties: ["TAGS": "TagA"],
            bornHost: MessageHost(address: [127, 0, 0, 1], port: 1))
    }

    private func appendRun(
        root: String, flushMode: FlushMode, appenders: Int, count: Int?, seconds: Double?,
        keepForRead: Bool, batch: Int = 1
    ) async throws -> RunResult {
        let store = try await MessageStore.open(configuration: storeConfiguration(root, flushMode))
        let start = ContinuousClock.now
        let deadline = seconds.map { start + .milliseconds(Int($0 * 1000)) }
        let remaining = Counter(count ?? Int.max)
        let message = self.message(0)
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<appenders {
                group.addTask {
                    var done = 0
                    var local = message
                    local.queueID = Int32(worker % 8)
                    let messages = Array(repeating: local, count: batch)
                    while remaining.value.subtract(batch, ordering: .relaxed).oldValue > 0 {
                        if let deadline, done % 16 == 0, ContinuousClock.now >= deadline { break }
                        _ = try await store.putMessages(messages)
                        done += batch
                    }
                    return done
                }
            }
            return try await group.reduce(0, +)
        }
        let bytes = store.commitLogMaxOffset
        var readMBps: Double?
        // Include the final flush so the figure is comparable with dd conv=fdatasync.
        await store.shutdown()
        let elapsed = Self.seconds(ContinuousClock.now - start)
        if keepForRead {
            let reader = try await MessageStore.open(configuration: storeConfiguration(root, flushMode))
            let readStart = ContinuousClock.now
            var readBytes = 0
            for queue in Int32(0)..<8 {
                var offset: Int64 = 0
                while true {
                    let result = reader.getMessagesNow(
                        topic: "BenchTopic", queueID: queue, offset: offset,
                        maxCount: 32, maxBytes: 256 * 1024)
                    guard result.status == .found else { break }
                    readBytes += result.body().readableBytes
                    offset = result.nextBeginOffset
                }
            }
            readMBps = Double(readBytes) / 1_000_000 / Self.seconds(ContinuousClock.now - readStart)
            await reader.shutdown()
        }
        Self.removeTree(root)
        return RunResult(rate: Double(total) / elapsed, mbps: Double(bytes) / 1_000_000 / elapsed, readMBps: readMBps)
    }

    private func backlogRun(root: String) async throws {
        let store = try await MessageStore.open(configuration: storeConfiguration(root, .async))
        let batch = (0..<64).map { _ in message(0) }
        var written = 0
        while written < backlog {
            _ = try await store.putMessages(Array(batch.prefix(min(64, backlog - written))))
            written += min(64, backlog - written)
        }
        func latency(_ offset: Int64) -> Double {
            var best = Double.infinity
            for _ in 0..<200 {
                let start = ContinuousClock.now
                // Explicit byte limit: the default "on disk" limit (8 msgs) would make the
                // oldest read smaller than the newest one.
                let result = store.getMessagesNow(
                    topic: "BenchTopic", queueID: 0, offset: offset, maxCount: 32,
                    maxBytes: 32 * (bodySize + 256))
                _ = result.body()
                precondition(result.messages.count == 32)
                best = min(best, Self.seconds(ContinuousClock.now - start))
            }
            return best * 1_000_000
        }
        let oldest = latency(0)
        let newest = latency(Int64(backlog - 32))
        print(
            "backlog \(backlog) msgs in one queue: read 32 msgs at oldest \(Self.f(oldest)) µs, newest "
                + "\(Self.f(newest)) µs (ratio \(Self.f(max(oldest, newest) / min(oldest, newest), 2)))")
        await store.shutdown()
        Self.removeTree(root)
    }

    private static func line(_ name: String, _ rate: Double, _ mbps: Double, appenders: Int) -> String {
        "\(name), \(appenders) appenders: \(f(rate, 0)) msgs/s, \(f(mbps)) MB/s"
    }

    /// Fixed-point formatting without Foundation.
    private static func f(_ value: Double, _ digits: Int = 1) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale)
        let fraction = scaled % Int64(scale)
        var text = (value < 0 ? "-" : "") + String(whole)
        if digits > 0 {
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return text
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }

    /// Runs `dd if=/dev/zero of=path bs=1M count=1024 conv=fdatasync` and times it.
    private static func ddBandwidth(path: String) -> Double? {
        let arguments = ["/bin/dd", "if=/dev/zero", "of=\(path)", "bs=1M", "count=1024", "conv=fdatasync"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let start = ContinuousClock.now
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/dd", &actions, nil, &argv, environ) == 0 else { return nil }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return 1024 * 1024 * 1024 / 1_000_000 / seconds(ContinuousClock.now - start)
    }

    private static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
