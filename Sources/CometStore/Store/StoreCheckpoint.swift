import CometCore

/// The `checkpoint` file: how far the commit log and the derived files are known durable.
///
/// Layout (big-endian): magic `CMCP` int32, version int32, commitLogFlushed int64,
/// dispatchSafe int64, cleanShutdownEnd int64 (−1 while running), CRC-32 of the preceding 32
/// bytes. Written atomically (temp file + rename).
struct StoreCheckpoint: Hashable {
    static let magic: Int32 = 0x434D_4350
    /// Commit log flushed up to here.
    var commitLogFlushed: Int64 = 0
    /// Consume queues and index are flushed for every record below this offset.
    var dispatchSafe: Int64 = 0
    /// Commit-log end written at clean shutdown; −1 otherwise.
    var cleanShutdownEnd: Int64 = -1

    func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
        }
        append(Self.magic)
        append(Int32(1))
        append(commitLogFlushed)
        append(dispatchSafe)
        append(cleanShutdownEnd)
        append(CRC32.checksum(bytes))
        return bytes
    }

    /// Decodes a checkpoint; nil if missing, short or failing its CRC.
    init?(bytes: [UInt8]?) {
        guard let bytes, bytes.count >= 36 else { return nil }
        let crc = CRC32.checksum(Array(bytes[0..<32]))
        let values = bytes.withUnsafeBytes { raw -> (Int32, Int64, Int64, Int64, UInt32) in
            (
                StoredMessageLayout.load(raw, 0, as: Int32.self), StoredMessageLayout.load(raw, 8, as: Int64.self),
                StoredMessageLayout.load(raw, 16, as: Int64.self), StoredMessageLayout.load(raw, 24, as: Int64.self),
                StoredMessageLayout.load(raw, 32, as: UInt32.self)
            )
        }
        guard values.0 == Self.magic, values.4 == crc else { return nil }
        commitLogFlushed = values.1
        dispatchSafe = values.2
        cleanShutdownEnd = values.3
    }

    init() {}
}
