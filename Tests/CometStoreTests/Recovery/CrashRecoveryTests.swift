import CometCore
import CometStore
import CometTestSupport
import Dispatch
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Path of the built `CometTestHelper` binary: `$COMET_TEST_HELPER`, else next to the test binary.
private let helperBinary: String? = {
    if let path = getenv("COMET_TEST_HELPER") { return String(cString: path) }
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    var path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    while !path.hasSuffix("/") && !path.isEmpty { path.removeLast() }
    // The test binary may sit in a bundle directory (…/debug/X.xctest); look in both places.
    for candidate in [path + "CometTestHelper", path + "../CometTestHelper"] where access(candidate, X_OK) == 0 {
        return candidate
    }
    return nil
}()

@Suite("Crash recovery with a real child process", .timeLimit(.minutes(3)))
struct CrashRecoveryTests {
    struct Ack: Hashable {
        var queueID: Int32
        var queueOffset: Int64
        var physicalOffset: Int64
    }

    /// Spawns the child, returns its pid and the read end of its stdout.
    private func spawnChild(data: String) throws -> (pid_t, Int32) {
        var pipeFDs: [Int32] = [0, 0]
        #expect(pipe(&pipeFDs) == 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], STDOUT_FILENO)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        let arguments = [helperBinary!, "store-append-child", "--data", data, "--appenders", "8"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, helperBinary!, &actions, nil, &argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        close(pipeFDs[1])
        try #require(result == 0, "posix_spawn failed: \(result)")
        return (pid, pipeFDs[0])
    }

    /// Reads ACK lines until `count` arrived, kills the child with SIGKILL, then drains the pipe.
    private func collectAcks(pid: pid_t, fd: Int32, killAfter count: Int) async -> [Ack] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var acks: [Ack] = []
                var pending: [UInt8] = []
                var killed = false
                var chunk = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n <= 0 { break }
                    pending.append(contentsOf: chunk[0..<n])
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = String(decoding: pending[..<newline], as: UTF8.self)
                        pending.removeSubrange(...newline)
                        let parts = line.split(separator: " ")
                        if parts.count == 4, parts[0] == "ACK", let q = Int32(parts[1]), let o = Int64(parts[2]),
                            let p = Int64(parts[3])
                        {
                            acks.append(Ack(queueID: q, queueOffset: o, physicalOffset: p))
                        }
                    }
                    if !killed && acks.count >= count {
                        kill(pid, SIGKILL)
                        killed = true
                    }
                }
                if !killed { kill(pid, SIGKILL) }
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                close(fd)
                continuation.resume(returning: acks)
            }
        }
    }

    @Test(
        "Every append acknowledged before SIGKILL is read back and queues match the log",
        .enabled(if: helperBinary != nil, "needs the CometTestHelper binary (set COMET_TEST_HELPER)"),
        arguments: [1, 2, 3])
    func sigkillDuringSyncAppends(round: Int) async throws {
        try await TemporaryDirectory.with { directory in
            let data = directory.path + "/store"
            let (pid, fd) = try spawnChild(data: data)
            let acks = await collectAcks(pid: pid, fd: fd, killAfter: Int.random(in: 200...1500))
            #expect(acks.count >= 200, "child produced only \(acks.count) acks")

            var configuration = MessageStoreConfiguration(rootDirectory: data)
            configuration.commitLogSegmentSize = 64 * 1024
            configuration.consumeQueueEntriesPerSegment = 1000
            configuration.maxMessageSize = 64 * 1024 - 8
            configuration.indexHashSlots = 1000
            configuration.indexMaxEntries = 10_000
            let store = try await MessageStore.open(configuration: configuration)
            #expect(!store.recoveryReport.wasCleanShutdown)
            for ack in acks {
                let result = try await store.getMessages(
                    topic: "CrashTopic", queueID: ack.queueID, offset: ack.queueOffset, maxCount: 1)
                #expect(result.status == .found)
                #expect(result.messages.first?.physicalOffset == ack.physicalOffset)
            }
            // Consume queues and log agree: every unit decodes to its own queue/offset, the units
            // of all queues cover every record in the log, and nothing past the tail is served.
            var unitOffsets = Set<Int64>()
            for queue in store.queueIDs(topic: "CrashTopic") {
                let messages = try await readAll(store, topic: "CrashTopic", queueID: queue)
                #expect(messages.map(\.queueOffset) == (0..<Int64(messages.count)).map { $0 })
                #expect(messages.allSatisfy { $0.queueID == queue })
                #expect(Int64(messages.count) == store.maxOffset(topic: "CrashTopic", queueID: queue))
                unitOffsets.formUnion(messages.map(\.physicalOffset))
                let beyond = try await store.getMessages(
                    topic: "CrashTopic", queueID: queue, offset: Int64(messages.count), maxCount: 1)
                #expect(beyond.status == .offsetOverflowOne)
            }
            let tail = unitOffsets.max().flatMap { store.lookMessageSlice(commitLogOffset: $0) }
            #expect(tail.map { $0.physicalOffset + Int64($0.size) } == store.commitLogMaxOffset)
            #expect(unitOffsets.isSuperset(of: acks.map(\.physicalOffset)))
            await store.shutdown()
        }
    }
}
