import CometCore
import Synchronization

/// The index of one (topic, queue id): fixed 20-byte units in mapped segment files named by
/// their byte offset (logical offset × 20).
///
/// The writer thread appends (``put(_:at:)``); readers call ``entry(at:)`` concurrently and
/// only see units below ``maxOffset``, published with release ordering.
final class ConsumeQueue: @unchecked Sendable {
    let topic: String
    let queueID: Int32
    let directory: String
    let entriesPerSegment: Int
    private var segmentBytes: Int { entriesPerSegment * ConsumeQueueEntry.size }
    private let segments = Mutex<[MappedFile]>([])
    private let maxLogicalOffset = Atomic<Int64>(0)
    private let minLogicalOffset = Atomic<Int64>(0)
    private let flushedBytes = Atomic<Int64>(0)

    init(topic: String, queueID: Int32, rootDirectory: String, entriesPerSegment: Int) {
        self.topic = topic
        self.queueID = queueID
        self.directory = "\(rootDirectory)/\(topic)/\(queueID)"
        self.entriesPerSegment = entriesPerSegment
    }

    /// Next logical offset to be written (= number of units).
    var maxOffset: Int64 { maxLogicalOffset.load(ordering: .acquiring) }
    /// First logical offset whose record still exists.
    var minOffset: Int64 { minLogicalOffset.load(ordering: .acquiring) }

    /// Maps existing segments and finds the last written unit (scanning back from the newest file).
    func load() throws(StoreError) {
        let files = StoreFiles.offsetFiles(in: directory)
        var loaded: [MappedFile] = []
        for file in files where file.offset % Int64(segmentBytes) == 0 {
            loaded.append(try MappedFile(path: file.path, startOffset: file.offset, size: segmentBytes))
        }
        segments.withLock { $0 = loaded }
        var max: Int64 = loaded.first.map { $0.startOffset / Int64(ConsumeQueueEntry.size) } ?? 0
        for segment in loaded.reversed() {
            if let last = lastWrittenUnit(in: segment) {
                max = segment.startOffset / Int64(ConsumeQueueEntry.size) + Int64(last) + 1
                break
            }
        }
        maxLogicalOffset.store(max, ordering: .releasing)
        flushedBytes.store(max * Int64(ConsumeQueueEntry.size), ordering: .releasing)
        let first = loaded.first.map { $0.startOffset / Int64(ConsumeQueueEntry.size) } ?? 0
        minLogicalOffset.store(Swift.min(first, max), ordering: .releasing)
    }

    /// Units are written in order, so written units form a prefix: binary-search its end
    /// instead of touching every page of a large, mostly empty segment. (Holes left by a
    /// re-dispatch gap are rare; the scan still lands after the last written unit in the probe
    /// path, and recovery's truncate step drops units past the commit-log end anyway.)
    private func lastWrittenUnit(in segment: MappedFile) -> Int? {
        func written(_ unit: Int) -> Bool {
            StoredMessageLayout.load(segment.view(unit * 20..<unit * 20 + 20), 8, as: Int32.self) > 0
        }
        var low = 0
        var high = entriesPerSegment
        while low < high {
            let mid = (low + high) / 2
            if written(mid) { low = mid + 1 } else { high = mid }
        }
        // Step over a short run of holes followed by more written units.
        var unit = low
        var probe = low
        while probe < min(entriesPerSegment, low + 64) {
            if written(probe) { unit = probe + 1 }
            probe += 1
        }
        return unit > 0 ? unit - 1 : nil
    }

    /// The unit at a logical offset, if written and present.
    func entry(at offset: Int64) -> ConsumeQueueEntry? {
        guard offset >= 0, offset < maxOffset, let (segment, position) = locate(offset) else { return nil }
        let raw = segment.view(position..<position + 20)
        return ConsumeQueueEntry(
            commitLogOffset: StoredMessageLayout.load(raw, 0, as: Int64.self),
            messageSize: StoredMessageLayout.load(raw, 8, as: Int32.self),
            tagsCode: StoredMessageLayout.load(raw, 12, as: Int64.self))
    }

    /// Whether the units `first...last` are in the page cache.
    func isResident(from first: Int64, through last: Int64) -> Bool {
        var offset = first
        while offset <= last {
            guard let (segment, position) = locate(offset) else { return false }
            let units = min(Int(last - offset) + 1, (segmentBytes - position) / ConsumeQueueEntry.size)
            guard segment.isResident(position..<position + units * ConsumeQueueEntry.size) else { return false }
            offset += Int64(units)
        }
        return true
    }

    /// Unlinks every segment file and the queue's directory (CLEAN_UNUSED_TOPIC). The mappings
    /// stay valid until readers holding this queue let go; later reads find nothing.
    func destroy() {
        let files = segments.withLock { list in
            defer { list = [] }
            return list
        }
        for file in files { file.unlinkFile() }
        StoreFiles.removeTree(directory)
        minLogicalOffset.store(maxOffset, ordering: .releasing)
    }

    private func locate(_ offset: Int64) -> (MappedFile, Int)? {
        let byteOffset = offset * Int64(ConsumeQueueEntry.size)
        return segments.withLock { list -> (MappedFile, Int)? in
            guard let first = list.first, byteOffset >= first.startOffset else { return nil }
            let index = Int((byteOffset - first.startOffset) / Int64(segmentBytes))
            guard index < list.count else { return nil }
            return (list[index], Int(byteOffset - list[index].startOffset))
        }
    }

    /// Writes a unit at `offset`. Idempotent for re-dispatch: offsets below the end overwrite
    /// in place; an offset past the end leaves zero (hole) units in between. Writer only.
    func put(_ entry: ConsumeQueueEntry, at offset: Int64) throws(StoreError) {
        let byteOffset = offset * Int64(ConsumeQueueEntry.size)
        let segmentStart = byteOffset / Int64(segmentBytes) * Int64(segmentBytes)
        let segment: MappedFile
        if let existing = segments.withLock({ list in
            list.last?.startOffset == segmentStart ? list.last : list.first { $0.startOffset == segmentStart }
        }) {
            segment = existing
        } else {
            try StoreFiles.createDirectory(directory)
            let created = try MappedFile(
                path: directory + "/" + StoreFiles.fileName(for: segmentStart), startOffset: segmentStart,
                size: segmentBytes)
            StoreFiles.syncDirectory(directory)
            segments.withLock { list in
                list.append(created)
                list.sort { $0.startOffset < $1.startOffset }
            }
            segment = created
        }
        let raw = UnsafeMutableRawBufferPointer(rebasing: segment.bytes[Int(byteOffset - segmentStart)...].prefix(20))
        StoredMessageLayout.store(entry.commitLogOffset, raw, 0)
        StoredMessageLayout.store(entry.messageSize, raw, 8)
        StoredMessageLayout.store(entry.tagsCode, raw, 12)
        if offset >= maxOffset {
            maxLogicalOffset.store(offset + 1, ordering: .releasing)
        }
    }

    /// Flushes written units to disk.
    func flush() throws(StoreError) {
        let target = maxOffset * Int64(ConsumeQueueEntry.size)
        var from = flushedBytes.load(ordering: .acquiring)
        guard target > from else { return }
        let list = segments.withLock { $0 }
        for segment in list {
            let end = segment.startOffset + Int64(segmentBytes)
            guard end > from, segment.startOffset < target else { continue }
            let lower = Swift.max(from, segment.startOffset)
            let upper = Swift.min(target, end)
            try segment.flush(Int(lower - segment.startOffset)..<Int(upper - segment.startOffset))
            from = upper
        }
        flushedBytes.store(target, ordering: .releasing)
    }

    /// Drops units whose record ends beyond `commitLogEnd` (recovery). Writer only.
    func truncate(commitLogEnd: Int64) throws(StoreError) {
        var max = maxOffset
        while max > minOffset, let last = entry(at: max - 1),
            last.messageSize == 0 || last.commitLogOffset + Int64(last.messageSize) > commitLogEnd
        {
            max -= 1
        }
        guard max < maxOffset else { return }
        let old = maxOffset
        maxLogicalOffset.store(max, ordering: .releasing)
        for offset in max..<old {
            if let (segment, position) = locate(offset) {
                segment.bytes.baseAddress!.advanced(by: position).initializeMemory(
                    as: UInt8.self, repeating: 0, count: 20)
            }
        }
        flushedBytes.store(Swift.min(flushedBytes.load(ordering: .acquiring), max * 20), ordering: .releasing)
        try flush()
    }

    /// Moves the min offset to the first unit pointing at or after `commitLogMin` and deletes
    /// segment files wholly below it (never the last one). Returns the number of files removed.
    @discardableResult
    func correctMinOffset(commitLogMin: Int64) -> Int {
        var low = minOffset
        var high = maxOffset
        while low < high {
            let mid = (low + high) / 2
            if let entry = entry(at: mid), entry.messageSize > 0, entry.commitLogOffset >= commitLogMin {
                high = mid
            } else if entry(at: mid)?.messageSize == 0 {
                // A hole: decide by the nearest written unit after it.
                var probe = mid + 1
                while probe < high, entry(at: probe)?.messageSize == 0 { probe += 1 }
                if probe < high, let next = entry(at: probe), next.commitLogOffset >= commitLogMin {
                    high = mid
                } else {
                    low = probe < high ? probe + 1 : high
                }
            } else {
                low = mid + 1
            }
        }
        minLogicalOffset.store(low, ordering: .releasing)
        let minByte = low * Int64(ConsumeQueueEntry.size)
        let removed = segments.withLock { list -> [MappedFile] in
            var removed: [MappedFile] = []
            while list.count > 1, let first = list.first, first.startOffset + Int64(segmentBytes) <= minByte {
                removed.append(list.removeFirst())
            }
            return removed
        }
        for segment in removed { segment.unlinkFile() }
        return removed.count
    }
}
