import CometCore
import Synchronization

/// The append-only log of all records, split into fixed-size mapped segments named by their
/// global start offset.
///
/// Concurrency: exactly one writer (the store's append thread, or recovery before it starts)
/// calls the mutating methods. Readers call ``slice(at:size:)`` concurrently: they only see bytes
/// below ``maxOffset``, which the writer publishes with release ordering after the bytes are in
/// place. The segment list is guarded by a mutex held only for lookups and list edits.
final class CommitLog: @unchecked Sendable {
    let directory: String
    let segmentSize: Int
    private let segments = Mutex<[MappedFile]>([])
    private let writeOffset = Atomic<Int64>(0)
    private let flushedOffset = Atomic<Int64>(0)
    private let flushLock = Mutex<Void>(())

    init(directory: String, segmentSize: Int) {
        self.directory = directory
        self.segmentSize = segmentSize
    }

    /// End of the valid data (exclusive); the next record goes here.
    var maxOffset: Int64 { writeOffset.load(ordering: .acquiring) }

    /// Start of the oldest segment still present (0 if empty).
    var minOffset: Int64 {
        segments.withLock { $0.first?.startOffset } ?? maxOffset
    }

    /// Offset up to which data is known flushed.
    var flushed: Int64 { flushedOffset.load(ordering: .acquiring) }

    /// Segment starts, oldest first.
    var segmentStarts: [Int64] { segments.withLock { $0.map(\.startOffset) } }

    /// Maps every existing segment file. Only the newest may be shorter than `segmentSize`.
    func load() throws(StoreError) {
        try StoreFiles.createDirectory(directory)
        let files = StoreFiles.offsetFiles(in: directory)
        var loaded: [MappedFile] = []
        for (index, file) in files.enumerated() {
            if index > 0, file.offset != files[index - 1].offset + Int64(segmentSize) {
                throw StoreError(.corruptStore, "commit log segment \(file.path) does not follow its predecessor")
            }
            loaded.append(try MappedFile(path: file.path, startOffset: file.offset, size: segmentSize))
        }
        segments.withLock { $0 = loaded }
        let end = loaded.last.map { $0.startOffset } ?? 0
        writeOffset.store(end, ordering: .releasing)
        flushedOffset.store(end, ordering: .releasing)
    }

    /// Sets the end of valid data, zeroing everything after it and deleting later segments
    /// (recovery). Returns the number of segment files removed.
    @discardableResult
    func truncate(to offset: Int64) throws(StoreError) -> Int {
        let (keep, drop) = segments.withLock { list -> ([MappedFile], [MappedFile]) in
            let keep = list.filter { $0.startOffset < offset || ($0.startOffset == offset && offset == 0) }
            let drop = list.filter { !($0.startOffset < offset || ($0.startOffset == offset && offset == 0)) }
            list = keep
            return (keep, drop)
        }
        for segment in drop { segment.unlinkFile() }
        if !drop.isEmpty { StoreFiles.syncDirectory(directory) }
        if let last = keep.last, offset < last.startOffset + Int64(segmentSize) {
            try last.zero(from: Int(offset - last.startOffset))
        }
        writeOffset.store(offset, ordering: .releasing)
        flushedOffset.store(offset, ordering: .releasing)
        return drop.count
    }

    /// Sets the end of valid data after a clean shutdown (no zeroing, no scan); drops segment
    /// files that start after it.
    func restoreEnd(_ offset: Int64) {
        let drop = segments.withLock { list -> [MappedFile] in
            let drop = list.filter { $0.startOffset > offset || ($0.startOffset == offset && offset > 0) }
            list.removeAll { $0.startOffset > offset || ($0.startOffset == offset && offset > 0) }
            return drop
        }
        for segment in drop { segment.unlinkFile() }
        writeOffset.store(offset, ordering: .releasing)
        flushedOffset.store(offset, ordering: .releasing)
    }

    /// The segment holding `offset`, if present.
    func segment(containing offset: Int64) -> MappedFile? {
        segments.withLock { list in
            guard let first = list.first, offset >= first.startOffset else { return nil }
            let index = Int((offset - first.startOffset) / Int64(segmentSize))
            return index < list.count ? list[index] : nil
        }
    }

    /// A slice of `size` bytes at `offset` if it lies within valid, present data.
    func slice(at offset: Int64, size: Int) -> (segment: MappedFile, position: Int)? {
        guard size > 0, offset >= 0, offset + Int64(size) <= maxOffset,
            let segment = segment(containing: offset)
        else { return nil }
        let position = Int(offset - segment.startOffset)
        guard position + size <= segment.size else { return nil }
        return (segment, position)
    }

    /// Appends one record of `length` bytes; `write` fills the bytes given the record's physical
    /// offset. Writes an end-of-segment blank and rolls to a new segment when it does not fit.
    /// Writer thread only.
    func append(length: Int, write: (UnsafeMutableRawBufferPointer, Int64) -> Void) throws(StoreError) -> Int64 {
        precondition(length + StoredMessageLayout.endOfSegmentMinBlank <= segmentSize)
        var offset = maxOffset
        var segment = try writableSegment(at: offset)
        var position = Int(offset - segment.startOffset)
        if position + length + StoredMessageLayout.endOfSegmentMinBlank > segmentSize {
            let blank = UnsafeMutableRawBufferPointer(rebasing: segment.bytes[position..<position + 8])
            StoredMessageLayout.store(Int32(segmentSize - position), blank, 0)
            StoredMessageLayout.store(StoredMessageLayout.blankMagic, blank, 4)
            offset = segment.startOffset + Int64(segmentSize)
            writeOffset.store(offset, ordering: .releasing)
            segment = try writableSegment(at: offset)
            position = 0
        }
        write(UnsafeMutableRawBufferPointer(rebasing: segment.bytes[position..<position + length]), offset)
        writeOffset.store(offset + Int64(length), ordering: .releasing)
        return offset
    }

    private func writableSegment(at offset: Int64) throws(StoreError) -> MappedFile {
        if let last = segments.withLock({ $0.last }), offset < last.startOffset + Int64(segmentSize) {
            return last
        }
        let start = offset / Int64(segmentSize) * Int64(segmentSize)
        let segment = try MappedFile(
            path: directory + "/" + StoreFiles.fileName(for: start), startOffset: start, size: segmentSize)
        StoreFiles.syncDirectory(directory)
        segments.withLock { $0.append(segment) }
        return segment
    }

    /// Flushes everything written so far; returns the new flushed offset. Safe to call from
    /// the writer (sync mode) or the flush thread (async mode).
    @discardableResult
    func flush() throws(StoreError) -> Int64 {
        try flushLock.withLock { _ throws(StoreError) -> Int64 in
            let target = maxOffset
            var from = flushed
            guard target > from else { return from }
            while from < target {
                guard let segment = segment(containing: from) else { break }
                let segmentEnd = segment.startOffset + Int64(segmentSize)
                let until = min(target, segmentEnd)
                try segment.flush(Int(from - segment.startOffset)..<Int(until - segment.startOffset))
                from = until
            }
            flushedOffset.store(target, ordering: .releasing)
            return target
        }
    }

    /// Removes up to `limit` of the oldest segments (never the one being written) for which
    /// `shouldDelete` holds, stopping at the first that does not. Returns removed starts.
    func deleteOldestSegments(limit: Int, where shouldDelete: (MappedFile) -> Bool) -> [Int64] {
        let writeSegmentStart = maxOffset / Int64(segmentSize) * Int64(segmentSize)
        let removed = segments.withLock { list -> [MappedFile] in
            var removed: [MappedFile] = []
            while let first = list.first, removed.count < limit, list.count > 1,
                first.startOffset + Int64(segmentSize) <= writeSegmentStart, shouldDelete(first)
            {
                removed.append(list.removeFirst())
            }
            return removed
        }
        for segment in removed { segment.unlinkFile() }
        if !removed.isEmpty { StoreFiles.syncDirectory(directory) }
        return removed.map(\.startOffset)
    }

    /// The oldest segment, if any.
    var oldestSegment: MappedFile? { segments.withLock { $0.first } }
}
