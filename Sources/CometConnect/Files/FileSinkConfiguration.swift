package import CometClient

/// What `comet sink files` reads and where it writes, with its command line's defaults.
package struct FileSinkConfiguration: Sendable {
    /// Topic read.
    package var topic: String
    /// Consumer group (offsets are kept beside the files, and mirrored to the broker for monitoring).
    package var group: String
    /// Folder of the rolled files.
    package var directory: String
    /// A file is rolled once it holds this many bytes (default 64 MiB).
    package var rollSize: Int64 = 64 << 20
    /// A non-empty file is rolled once it is this old (default 1 h).
    package var rollInterval: Duration = .seconds(3600)
    /// Where a new group starts.
    package var start: ConsumeFrom = .earliest
    /// Most messages per batch and queue.
    package var batchSize = 256
    /// How long a batch waits for more messages once it has some.
    package var linger: Duration = .milliseconds(100)

    /// A sink of `topic` for `group` into `directory`.
    package init(topic: String, group: String, directory: String) {
        self.topic = topic
        self.group = group
        self.directory = directory
    }
}

/// Parses `64MB`, `512KB`, `1GB` or a plain byte count.
package func parseByteSize(_ text: String) -> Int64? {
    let upper = text.uppercased()
    for (suffix, factor) in [
        ("GB", Int64(1) << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10),
        ("B", 1),
    ]
    where upper.hasSuffix(suffix) {
        return Int64(upper.dropLast(suffix.count)).map { $0 * factor }.flatMap { $0 > 0 ? $0 : nil }
    }
    return Int64(upper).flatMap { $0 > 0 ? $0 : nil }
}

/// Parses `1h`, `30m`, `10s`, `500ms`.
package func parseDuration(_ text: String) -> Duration? {
    for (suffix, unit) in [
        ("ms", Duration.milliseconds(1)), ("s", .seconds(1)), ("m", .seconds(60)), ("h", .seconds(3600)),
    ]
    where text.hasSuffix(suffix) {
        guard let value = Int(text.dropLast(suffix.count)), value > 0 else { return nil }
        return unit * value
    }
    return nil
}
