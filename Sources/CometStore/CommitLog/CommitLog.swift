import CometCore
import Synchronization

/// The append-only log of all records, split into fixed-size mapped segments named by their
/// global start offset.
///
/// Concurrency: one writer at a time (an appending task holding the store's append lock, or
/// recovery before appends start) calls the mutating methods. Readers call
/// ``slice(at:size:)`` concurrently: they only see bytes below ``maxOffset``, which the writer
/// publishes with release ordering after the bytes are in place. The segment list is guarded by
/// a mutex held only for lookups and list edits.
///
/// Disk space: a segment file is reserved `chunkSize` bytes at a time, not whole. When the write
/// position comes within half a chunk of the reserved end, the ``FileAllocator`` reserves the
/// next chunk; when it enters the last chunk of a segment, the allocator creates the next
/// segment file. The writer only does this work itself if it outruns the allocator.
final class CommitLog: @unchecked Sendable {
    let directory: String
    let segmentSize: Int
    /// Bytes reserved at a time (at most the segment size).
    let chunkSize: Int
    private let allocator: FileAllocator?
    private let segments = Mutex<[MappedFile]>([])
    /// The next segment, created ahead by the allocator (not yet part of the log).
    private let nextSegment = Mutex<MappedFile?>(nil)
    /// Highest global offset the allocator was asked to reserve up to, and the highest segment
    /// start it was asked to create (so each request is made once).
    private let reserveRequested = Atomic<Int64>(0)
    private let createRequested = Atomic<Int64>(-1)
    private let writeOffset = Atomic<Int64>(0)
    private let flushedOffset = Atomic<Int64>(0)
    private let flushLock = Mutex<Void>(())

    init(directory: String, segmentSize: Int, chunkSize: Int? = nil, allocator: FileAllocator? = nil) {
        self.directory = directory
        self.segmentSize = segmentSize
        self.chunkSize = max(4096, min(segmentSize, chunkSize ?? segmentSize))
        self.allocator = allocator
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
            // Keep what each file holds: the writer reserves more of the newest when it appends.
            loaded.append(
                try MappedFile(
                    path: file.path, startOffset: file.offset, size: segmentSize, reserving: 0, readOnlyView: true))
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
        nextSegment.withLock { $0 = nil }
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
        nextSegment.withLock { $0 = nil }
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
    /// Writer only.
    func append(length: Int, write: (UnsafeMutableRawBufferPointer, Int64) -> Void) throws(StoreError) -> Int64 {
        precondition(length + StoredMessageLayout.endOfSegmentMinBlank <= segmentSize)
        var offset = maxOffset
        var segment = try writableSegment(at: offset)
        var position = Int(offset - segment.startOffset)
        if position + length + StoredMessageLayout.endOfSegmentMinBlank > segmentSize {
            try segment.reserve(upTo: position + 8)
            let blank = UnsafeMutableRawBufferPointer(rebasing: segment.bytes[position..<position + 8])
            StoredMessageLayout.store(Int32(segmentSize - position), blank, 0)
            StoredMessageLayout.store(StoredMessageLayout.blankMagic, blank, 4)
            offset = segment.startOffset + Int64(segmentSize)
            writeOffset.store(offset, ordering: .releasing)
            segment = try writableSegment(at: offset)
            position = 0
        }
        // Room for this record and the blank that may follow it must be reserved before the
        // bytes are touched (a write past the reserved end would SIGBUS on a full disk).
        let needed = position + length + StoredMessageLayout.endOfSegmentMinBlank
        if needed > segment.allocated {
            try segment.reserve(upTo: roundedToChunk(needed))
        }
        write(UnsafeMutableRawBufferPointer(rebasing: segment.bytes[position..<position + length]), offset)
        writeOffset.store(offset + Int64(length), ordering: .releasing)
        prepareAhead(segment, writtenTo: needed)
        return offset
    }

    private func roundedToChunk(_ bytes: Int) -> Int {
        min(segmentSize, (bytes + chunkSize - 1) / chunkSize * chunkSize)
    }

    /// Asks the allocator for the next chunk or the next segment once the writer is within half
    /// a chunk of the reserved end or of the segment end.
    private func prepareAhead(_ segment: MappedFile, writtenTo position: Int) {
        guard let allocator else { return }
        let allocated = segment.allocated
        if allocated < segmentSize && position + chunkSize / 2 > allocated {
            let target = roundedToChunk(allocated + chunkSize)
            let global = segment.startOffset + Int64(target)
            if reserveRequested.exchange(global, ordering: .relaxed) < global {
                allocator.submit { try? segment.reserve(upTo: target) }
            }
        }
        if position + chunkSize / 2 > segmentSize {
            let nextStart = segment.startOffset + Int64(segmentSize)
            if createRequested.exchange(nextStart, ordering: .relaxed) < nextStart {
                allocator.submit { [self] in createAhead(start: nextStart) }
            }
        }
    }

    /// Creates the segment starting at `start` with its first chunk reserved (allocator thread).
    private func createAhead(start: Int64) {
        guard maxOffset < start, nextSegment.withLock({ $0 == nil }) else { return }
        do {
            let created = try makeSegment(start: start)
            nextSegment.withLock { next in
                if next == nil { next = created }
            }
        } catch {
            // The writer creates the segment itself (and reports the error) when it gets there.
        }
    }

    private func makeSegment(start: Int64) throws(StoreError) -> MappedFile {
        let segment = try MappedFile(
            path: directory + "/" + StoreFiles.fileName(for: start), startOffset: start, size: segmentSize,
            reserving: chunkSize, readOnlyView: true)
        StoreFiles.syncDirectory(directory)
        return segment
    }

    /// The segment the next byte at `offset` goes to, created (or taken from the allocator) when
    /// `offset` starts a new one. Writer only.
    func writableSegment(at offset: Int64) throws(StoreError) -> MappedFile {
        if let last = segments.withLock({ $0.last }), offset < last.startOffset + Int64(segmentSize) {
            return last
        }
        let start = offset / Int64(segmentSize) * Int64(segmentSize)
        let ready = nextSegment.withLock { next -> MappedFile? in
            defer { next = nil }
            return next?.startOffset == start ? next : nil
        }
        let segment: MappedFile
        if let ready {
            segment = ready
        } else {
            segment = try makeSegment(start: start)
        }
        segments.withLock { $0.append(segment) }
        return segment
    }

    /// Publishes a new end of valid data after the writer put bytes below it (replicated appends).
    func publishEnd(_ offset: Int64) {
        writeOffset.store(offset, ordering: .releasing)
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
