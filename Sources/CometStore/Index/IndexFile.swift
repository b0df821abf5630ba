import CometCore
import Synchronization

/// One mapped hash-index file (our layout, inspired by upstream `IndexFile`):
///
/// | part | size | content |
/// |---|---|---|
/// | header | 48 | magic `CMIX` int32, version int32, beginTimestamp int64, endTimestamp int64, beginPhyOffset int64, endPhyOffset int64, slotCount int32, indexCount int32 (starts at 1) |
/// | slots | slotCount × 4 | newest entry number of each bucket (0 = empty) |
/// | entries | maxEntries × 20 | keyHash int32 ‖ commit-log offset int64 ‖ seconds since beginTimestamp int32 ‖ previous entry int32 |
///
/// Entries can always be rebuilt from the commit log; lookups are verified against the record.
/// Access is serialized by ``IndexService``.
final class IndexFile: @unchecked Sendable {
    static let magic: Int32 = 0x434D_4958
    static let headerSize = 48
    let file: MappedFile
    let slotCount: Int
    let maxEntries: Int

    static func fileSize(slots: Int, entries: Int) -> Int { headerSize + slots * 4 + entries * 20 }

    /// Bytes of entries reserved at a time: the header and slots (touched at random) are
    /// reserved whole, the entries (written in order) a chunk at a time.
    let chunkSize: Int

    /// Opens or creates an index file; a new one reserves its header, slots and one chunk of entries.
    init(path: String, createdAt: Int64, slots: Int, entries: Int, chunkSize: Int = 64 << 20) throws(StoreError) {
        self.chunkSize = max(4096, chunkSize)
        file = try MappedFile(
            path: path, startOffset: createdAt, size: Self.fileSize(slots: slots, entries: entries),
            reserving: Self.headerSize + slots * 4 + self.chunkSize)
        slotCount = slots
        maxEntries = entries
        let raw = file.bytes
        if StoredMessageLayout.load(UnsafeRawBufferPointer(raw), 0, as: Int32.self) != Self.magic {
            StoredMessageLayout.store(Self.magic, raw, 0)
            StoredMessageLayout.store(Int32(1), raw, 4)
            StoredMessageLayout.store(Int32(slots), raw, 40)
            StoredMessageLayout.store(Int32(1), raw, 44)
        }
    }

    private var header: UnsafeRawBufferPointer { file.view(0..<Self.headerSize) }
    var beginTimestamp: Int64 { StoredMessageLayout.load(header, 8, as: Int64.self) }
    var endTimestamp: Int64 { StoredMessageLayout.load(header, 16, as: Int64.self) }
    var beginPhyOffset: Int64 { StoredMessageLayout.load(header, 24, as: Int64.self) }
    var endPhyOffset: Int64 { StoredMessageLayout.load(header, 32, as: Int64.self) }
    var indexCount: Int { Int(StoredMessageLayout.load(header, 44, as: Int32.self)) }
    var isFull: Bool { indexCount >= maxEntries }

    /// Non-negative Java hash of an index key (`Int32.min` → 0).
    static func keyHash(_ key: String) -> Int32 {
        let hash = TagHashCode.javaHashCode(key)
        return hash == Int32.min ? 0 : abs(hash)
    }

    private let growthRequested = Atomic<Bool>(false)

    /// True once when the entries come within half a chunk of the reserved end: the caller
    /// then has ``reserveMore()`` run (in the background).
    func claimGrowth() -> Bool {
        let next = Self.headerSize + slotCount * 4 + indexCount * 20
        guard file.allocated < file.size, next + chunkSize / 2 > file.allocated else { return false }
        return !growthRequested.exchange(true, ordering: .acquiringAndReleasing)
    }

    /// Reserves entries up to a chunk past the next one to be written.
    func reserveMore() {
        let next = Self.headerSize + slotCount * 4 + indexCount * 20
        try? file.reserve(upTo: next + chunkSize)
        growthRequested.store(false, ordering: .releasing)
    }

    /// Adds an entry; returns false if the file is full.
    func put(key: String, commitLogOffset: Int64, storeTimestamp: Int64) throws(StoreError) -> Bool {
        let count = indexCount
        guard count < maxEntries else { return false }
        let entryEnd = Self.headerSize + slotCount * 4 + (count + 1) * 20
        if entryEnd > file.allocated { try file.reserve(upTo: entryEnd + chunkSize) }
        let raw = file.bytes
        if count == 1 {
            StoredMessageLayout.store(storeTimestamp, raw, 8)
            StoredMessageLayout.store(commitLogOffset, raw, 24)
        }
        let hash = Self.keyHash(key)
        let slotPosition = Self.headerSize + Int(hash) % slotCount * 4
        let previous = StoredMessageLayout.load(UnsafeRawBufferPointer(raw), slotPosition, as: Int32.self)
        let diff = max(0, min(Int64(Int32.max), (storeTimestamp - beginTimestamp) / 1000))
        let entryPosition = Self.headerSize + slotCount * 4 + count * 20
        StoredMessageLayout.store(hash, raw, entryPosition)
        StoredMessageLayout.store(commitLogOffset, raw, entryPosition + 4)
        StoredMessageLayout.store(Int32(diff), raw, entryPosition + 12)
        StoredMessageLayout.store(previous, raw, entryPosition + 16)
        StoredMessageLayout.store(Int32(count), raw, slotPosition)
        StoredMessageLayout.store(Int32(count + 1), raw, 44)
        StoredMessageLayout.store(storeTimestamp, raw, 16)
        StoredMessageLayout.store(commitLogOffset, raw, 32)
        return true
    }

    /// Commit-log offsets of entries with the key's hash whose time (second precision) may lie
    /// in `begin...end` ms, newest first.
    func lookup(key: String, begin: Int64, end: Int64, limit: Int) -> [Int64] {
        let hash = Self.keyHash(key)
        let raw = UnsafeRawBufferPointer(file.bytes)
        var number = Int(StoredMessageLayout.load(raw, Self.headerSize + Int(hash) % slotCount * 4, as: Int32.self))
        var result: [Int64] = []
        var steps = 0
        let base = beginTimestamp
        while number > 0, number < indexCount, result.count < limit, steps < maxEntries {
            let position = Self.headerSize + slotCount * 4 + number * 20
            guard position + 20 <= file.allocated else { break }
            let time = base &+ Int64(StoredMessageLayout.load(raw, position + 12, as: Int32.self)) * 1000
            if StoredMessageLayout.load(raw, position, as: Int32.self) == hash,
                time >= begin.subtractingReportingOverflow(1000).partialValue.clampedBegin(begin),
                time <= end.addingReportingOverflow(1000).partialValue.clampedEnd(end)
            {
                result.append(StoredMessageLayout.load(raw, position + 4, as: Int64.self))
            }
            let previous = Int(StoredMessageLayout.load(raw, position + 16, as: Int32.self))
            guard previous < number else { break }
            number = previous
            steps += 1
        }
        return result
    }

    /// Flushes the reserved part of the file.
    func flush() throws(StoreError) {
        try file.flush(0..<file.allocated)
    }
}
