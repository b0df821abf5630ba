package import CometCore

#if canImport(Glibc)
import Glibc
#endif

/// The append-only file that makes POP state durable (`config/popJournal`): every change to a
/// ``PopQueueState`` is appended as a text line before the client hears about it, and replaying
/// the lines rebuilds the state after a restart or a crash, so an unacknowledged message comes
/// back after its invisible time and an acknowledged one never does.
///
/// Lines (`<key>` = `group topic queueId`; the names are validated, so they hold no spaces):
/// `S <key> next` starts a queue over (compaction), `N <key> next` moves it on, `E <key> offset
/// attempt visibleAt sequence groupHex` sets an entry, `A <key> offset` acknowledges one. Each
/// operation's lines go out in one `write`, which a killed process either made or did not; a torn
/// last line (power loss) is ignored. On open the journal is compacted into `S`/`E` lines.
package final class PopJournal: @unchecked Sendable {
    /// Identifies one group's view of one queue.
    package struct Key: Hashable, Sendable {
        package var group: String
        package var topic: String
        package var queueID: Int32

        package init(group: String, topic: String, queueID: Int32) {
            self.group = group
            self.topic = topic
            self.queueID = queueID
        }

        /// Whether this is one client's state in a broadcasting group (`group@clientID`).
        var isClientInstance: Bool { group.contains(PopService.instanceSeparator) }

        /// The consumer group (without a broadcasting client's id).
        var consumerGroup: String {
            group.split(separator: PopService.instanceSeparator, maxSplits: 1).first.map(String.init) ?? group
        }

        var text: String { "\(group) \(topic) \(queueID)" }
    }

    /// Pending lines of one operation.
    package struct Batch: Sendable {
        var text = ""

        package init() {}

        package mutating func reset(_ key: Key, next: Int64) { text += "S \(key.text) \(next)\n" }
        package mutating func advance(_ key: Key, next: Int64) { text += "N \(key.text) \(next)\n" }
        package mutating func set(_ key: Key, offset: Int64, _ entry: PopQueueState.Entry) {
            let group = entry.messageGroup.isEmpty ? "-" : Self.hex(entry.messageGroup)
            text += "E \(key.text) \(offset) \(entry.attempt) \(entry.visibleAt) \(entry.sequence) \(group)\n"
        }
        package mutating func ack(_ key: Key, offset: Int64) { text += "A \(key.text) \(offset)\n" }
        package var isEmpty: Bool { text.isEmpty }

        static func hex(_ text: String) -> String { Hex.encode(text.utf8) }
    }

    /// What replay found.
    package struct Replayed: Sendable {
        package var queues: [Key: PopQueueState] = [:]
        /// Highest delivery sequence seen (new handles continue after it).
        package var maxSequence: UInt64 = 0
    }

    private let path: String
    private var descriptor: Int32
    private var size: Int

    /// Opens (creating) the journal at `path`, replays it and compacts it.
    package init(path: String) throws(CometError) {
        self.path = path
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            let directory = String(path[..<slash])
            if mkdir(directory, 0o755) != 0 && errno != EEXIST {
                throw CometError(.io, "cannot create \(directory): errno \(errno)")
            }
        }
        let replayed = try Self.replay(path: path)
        descriptor = -1
        size = 0
        self.replayed = replayed
        try rewrite(replayed.queues)
    }

    /// The state found when the journal was opened.
    package let replayed: Replayed

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Bytes appended since the last compaction.
    package var bytesSinceCompaction: Int { size }

    /// Appends one operation's lines. Callers serialize calls (``PopService`` holds its lock).
    package func append(_ batch: Batch) throws(CometError) {
        guard !batch.isEmpty else { return }
        var bytes = Array(batch.text.utf8)
        let count = bytes.count
        let written = bytes.withUnsafeMutableBytes { raw -> Int in
            var done = 0
            while done < count {
                let n = write(descriptor, raw.baseAddress! + done, count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return -1
                }
                done += n
            }
            return done
        }
        guard written == count else {
            throw CometError(.io, "cannot append to the POP journal \(path): errno \(errno)")
        }
        size += count
    }

    /// Replaces the journal with the lines that rebuild `queues` (compaction).
    package func rewrite(_ queues: [Key: PopQueueState]) throws(CometError) {
        var batch = Batch()
        for (key, state) in queues {
            batch.reset(key, next: state.next)
            for (offset, entry) in state.entries.sorted(by: { $0.key < $1.key }) {
                batch.set(key, offset: offset, entry)
            }
        }
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CometError(.io, "cannot create \(temporary): errno \(errno)") }
        let bytes = Array(batch.text.utf8)
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                done += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            throw CometError(.io, "cannot write the compacted POP journal \(path): errno \(errno)")
        }
        if descriptor >= 0 { close(descriptor) }
        descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { throw CometError(.io, "cannot open \(path): errno \(errno)") }
        size = 0
    }

    static func replay(path: String) throws(CometError) -> Replayed {
        var replayed = Replayed()
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return replayed }
            throw CometError(.io, "cannot open \(path): errno \(errno)")
        }
        defer { close(fd) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CometError(.io, "cannot read \(path): errno \(errno)")
            }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        // Only complete lines count: a torn tail is an operation that never finished.
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        if let last = data.last, last != UInt8(ascii: "\n"), !lines.isEmpty { lines.removeLast() }
        for line in lines { apply(String(decoding: line, as: UTF8.self), to: &replayed) }
        return replayed
    }

    private static func apply(_ line: String, to replayed: inout Replayed) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count >= 5, let queueID = Int32(fields[3]) else { return }
        let key = Key(group: String(fields[1]), topic: String(fields[2]), queueID: queueID)
        switch fields[0] {
        case "S":
            guard fields.count == 5, let next = Int64(fields[4]) else { return }
            replayed.queues[key] = PopQueueState(next: next)
        case "N":
            guard fields.count == 5, let next = Int64(fields[4]) else { return }
            replayed.queues[key, default: PopQueueState(next: next)].advance(to: next)
        case "A":
            guard fields.count == 5, let offset = Int64(fields[4]) else { return }
            replayed.queues[key]?.ack(offset)
        case "E":
            guard fields.count == 9, let offset = Int64(fields[4]), let attempt = Int32(fields[5]),
                let visibleAt = Int64(fields[6]), let sequence = UInt64(fields[7]), let group = unhex(fields[8])
            else { return }
            replayed.queues[key, default: PopQueueState(next: offset + 1)].entries[offset] = PopQueueState.Entry(
                attempt: attempt, visibleAt: visibleAt, sequence: sequence, messageGroup: group)
            replayed.maxSequence = max(replayed.maxSequence, sequence)
        default:
            return
        }
    }

    private static func unhex(_ text: Substring) -> String? {
        if text == "-" { return "" }
        var bytes: [UInt8] = []
        var high: UInt8?
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            default: return nil
            }
            if let h = high {
                bytes.append(h << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return high == nil ? String(decoding: bytes, as: UTF8.self) : nil
    }
}
