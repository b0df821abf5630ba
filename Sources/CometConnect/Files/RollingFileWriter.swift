import CometClient
import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The files of `comet sink files`: lines go to a hidden `.TOPIC-SEQ.jsonl.inprogress` file; rolling
/// it writes the queue offsets it reaches to `.offsets-SEQ.json`, syncs both, then renames the data
/// file to `TOPIC-SEQ.jsonl` (atomic). On start the offsets of the newest renamed file are where
/// every queue resumes, and left-over in-progress files are deleted: each message ends up in exactly
/// one rolled file, even across crashes. Blocking file calls run on the NIO thread pool.
actor RollingFileWriter {
    private let directory: String
    private let topic: String
    private var sequence: Int
    private var descriptor: Int32 = -1
    private var size: Int64 = 0
    private var openedAt = ContinuousClock.now
    private var rolling = false
    /// Offsets reached by the lines in the current file (and every rolled one before).
    private(set) var offsets: [String: Int64]

    /// Opens `directory`, recovering the offsets of the newest rolled file.
    init(directory: String, topic: String) throws {
        self.directory = directory
        self.topic = topic
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        let prefix = topic + "-"
        let rolled = names.compactMap { name -> Int? in
            guard name.hasPrefix(prefix), name.hasSuffix(".jsonl") else { return nil }
            return Int(name.dropFirst(prefix.count).dropLast(6))
        }
        sequence = (rolled.max() ?? 0) + 1
        offsets = [:]
        if let last = rolled.max() {
            let path = directory + "/" + Self.offsetsName(last)
            guard let data = FileManager.default.contents(atPath: path),
                let saved = try? JSONDecoder().decode([String: Int64].self, from: data)
            else { throw ConnectError("\(path) is missing or damaged; cannot tell where \(topic) resumes") }
            offsets = saved
        }
        for name in names
        where name.hasSuffix(".inprogress")
            || (name.hasPrefix(".offsets-") && !rolled.contains(Self.sequence(ofOffsets: name) ?? -1))
        {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }

    /// The offset `queue` resumes at, if a rolled file recorded one.
    func offset(_ queue: MessageQueue) -> Int64? { offsets[Self.key(queue)] }

    /// Appends `lines` (each ending in a newline), read from `queue` up to `next`.
    func append(_ lines: [UInt8], queue: MessageQueue, next: Int64) throws {
        if descriptor < 0 {
            let path = directory + "/" + inProgressName
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw ConnectError("cannot create \(path): errno \(errno)") }
            size = 0
            openedAt = .now
        }
        // Written here, without a suspension point: a roll cannot interleave with half an append.
        // (A write to the page cache takes microseconds; the slow fsync of a roll runs on the thread pool.)
        try lines.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let n = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                guard n > 0 else { throw ConnectError("write to \(directory) failed: errno \(errno)") }
                written += n
            }
        }
        size += Int64(lines.count)
        offsets[Self.key(queue)] = next
    }

    /// Rolls when the file reached `rollSize` or is older than `rollInterval`; returns the rolled path.
    func rollIfDue(rollSize: Int64, rollInterval: Duration) async throws -> String? {
        guard descriptor >= 0, size >= rollSize || ContinuousClock.now - openedAt >= rollInterval else { return nil }
        return try await roll()
    }

    /// Closes the current file (if it has lines) under its final name.
    func roll() async throws -> String? {
        // One roll at a time: file N+1 must never be renamed (and its offsets trusted) before file N.
        guard descriptor >= 0, !rolling else { return nil }
        rolling = true
        defer { rolling = false }
        // Everything the roll needs is taken before the first suspension, so appends arriving meanwhile
        // go to the next file and never touch this one.
        let fd = descriptor
        let number = sequence
        let offsetsPath = directory + "/" + Self.offsetsName(number)
        let data = try JSONEncoder().encode(offsets)
        let from = directory + "/" + Self.inProgressName(topic, number)
        let to = directory + "/" + "\(topic)-\(Self.padded(number)).jsonl"
        let folder = directory
        descriptor = -1
        sequence += 1
        try await NIOThreadPool.singleton.runIfActive {
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw ConnectError("fsync failed: errno \(errno)") }
            let out = open(offsetsPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard out >= 0 else { throw ConnectError("cannot create \(offsetsPath): errno \(errno)") }
            defer { close(out) }
            let written = data.withUnsafeBytes { write(out, $0.baseAddress!, $0.count) }
            guard written == data.count, fsync(out) == 0 else { throw ConnectError("cannot write \(offsetsPath)") }
            guard rename(from, to) == 0 else { throw ConnectError("cannot rename \(from): errno \(errno)") }
            let dir = open(folder, O_RDONLY | O_DIRECTORY)
            if dir >= 0 {
                fsync(dir)
                close(dir)
            }
        }
        // Offsets of older files are no longer needed: only the newest one is read on start.
        try? FileManager.default.removeItem(atPath: directory + "/" + Self.offsetsName(number - 1))
        return to
    }

    private var inProgressName: String { Self.inProgressName(topic, sequence) }

    private static func inProgressName(_ topic: String, _ sequence: Int) -> String {
        ".\(topic)-\(padded(sequence)).jsonl.inprogress"
    }

    private static func offsetsName(_ sequence: Int) -> String { ".offsets-\(padded(sequence)).json" }

    private static func sequence(ofOffsets name: String) -> Int? { Int(name.dropFirst(9).dropLast(5)) }

    private static func padded(_ sequence: Int) -> String {
        let text = String(sequence)
        return String(repeating: "0", count: max(0, 10 - text.count)) + text
    }

    private static func key(_ queue: MessageQueue) -> String { "\(queue.brokerName):\(queue.queueId)" }
}
