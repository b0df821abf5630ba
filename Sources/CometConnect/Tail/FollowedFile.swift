import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// One open file `comet tail` follows: its descriptor (kept open across renames, so a rotated file
/// is read to its end), how far it was read and acknowledged, and its partial line or event.
final class FollowedFile {
    /// Where the file was last seen.
    var path: String
    /// Device and inode.
    let identity: FileIdentity
    /// Next byte to read.
    var readOffset: Int64
    /// First byte not yet acknowledged by the broker (what the state file records).
    var acknowledged: Int64
    /// Truncations seen so far.
    var generation: Int
    /// The partial last line.
    var lines: LineAssembler
    /// The open multiline event, when events span lines.
    var joiner: MultilineJoiner?
    /// Set once the path names another file (or none): read to the end, then close.
    var rotated = false
    /// When bytes last arrived (or rotation was noticed).
    var lastActivity = ContinuousClock.now
    private let descriptor: Int32

    /// Opens `path` (which has `identity`) to read from `offset`.
    init?(path: String, identity: FileIdentity, offset: Int64, generation: Int, configuration: TailConfiguration) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        // The path may have been replaced between stat and open: follow what was opened.
        guard let opened = FileIdentity.of(descriptor: descriptor), opened.identity == identity else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        self.path = path
        self.identity = identity
        self.generation = generation
        var start = offset
        if opened.size < offset {
            start = 0
            self.generation += 1
        }
        readOffset = start
        acknowledged = start
        lines = LineAssembler(startingAt: start, maxLineBytes: configuration.maxLineBytes)
        if let pattern = configuration.multilineStart, let regex = try? Regex(pattern) {
            joiner = MultilineJoiner { line in (try? regex.firstMatch(in: line)) != nil }
        }
    }

    deinit { close(descriptor) }

    /// The file's current size.
    var size: Int64 { FileIdentity.of(descriptor: descriptor)?.size ?? readOffset }

    /// The first byte that is neither acknowledged-and-done nor part of a complete event yet.
    var pendingOffset: Int64 { min(joiner?.pendingOffset ?? .max, lines.pendingOffset) }

    /// Starts over at 0 after the file was truncated in place (copy-truncate rotation).
    func truncated() {
        generation += 1
        readOffset = 0
        acknowledged = 0
        lines.reset(at: 0)
        joiner?.reset()
    }

    /// Reads up to `limit` bytes at ``readOffset`` on the thread pool (never on the caller's executor).
    func read(limit: Int) async throws -> [UInt8] {
        let descriptor = self.descriptor
        let offset = readOffset
        return try await NIOThreadPool.singleton.runIfActive {
            let bytes = [UInt8](unsafeUninitializedCapacity: limit) { buffer, count in
                let got = pread(descriptor, buffer.baseAddress, limit, off_t(offset))
                count = max(0, got)
            }
            return bytes
        }
    }

    /// Cuts `bytes` (just read) into complete events, advancing ``readOffset``.
    func events(from bytes: [UInt8]) -> [TailEvent] {
        readOffset += Int64(bytes.count)
        var cut: [TailEvent] = []
        bytes.withUnsafeBytes { lines.append($0, into: &cut) }
        return join(cut)
    }

    /// Everything still held back: the partial last line and the open event (the file is done, or idle).
    func flush(partialLine: Bool) -> [TailEvent] {
        var cut: [TailEvent] = []
        if partialLine, let last = lines.flush() { cut.append(last) }
        var events = join(cut)
        if let open = joiner?.flush() { events.append(open) }
        return events
    }

    private func join(_ lines: [TailEvent]) -> [TailEvent] {
        guard joiner != nil else { return lines }
        var events: [TailEvent] = []
        for line in lines {
            if let event = joiner!.add(line) { events.append(event) }
        }
        return events
    }
}
