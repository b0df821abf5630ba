import Synchronization

/// The set of index files: appends go to the newest; lookups walk newest to oldest.
final class IndexService: @unchecked Sendable {
    let directory: String
    let slots: Int
    let entries: Int
    let chunkSize: Int
    private let allocator: FileAllocator?
    private let files = Mutex<[IndexFile]>([])

    init(directory: String, slots: Int, entries: Int, chunkSize: Int = 64 << 20, allocator: FileAllocator? = nil) {
        self.directory = directory
        self.slots = slots
        self.entries = entries
        self.chunkSize = chunkSize
        self.allocator = allocator
    }

    /// Maps existing index files.
    func load() throws(StoreError) {
        try StoreFiles.createDirectory(directory)
        var loaded: [IndexFile] = []
        for file in StoreFiles.offsetFiles(in: directory) {
            loaded.append(
                try IndexFile(
                    path: file.path, createdAt: file.offset, slots: slots, entries: entries, chunkSize: chunkSize))
        }
        files.withLock { $0 = loaded }
    }

    /// Index key for a message key: `topic#key`.
    static func indexKey(topic: String, key: String) -> String { topic + "#" + key }

    /// Adds entries for `keys` of one record. Writer only.
    func put(topic: String, keys: [String], commitLogOffset: Int64, storeTimestamp: Int64) throws(StoreError) {
        guard !keys.isEmpty else { return }
        let current = try files.withLock { list throws(StoreError) -> IndexFile? in
            for key in keys {
                let indexKey = Self.indexKey(topic: topic, key: key)
                if let last = list.last,
                    try last.put(key: indexKey, commitLogOffset: commitLogOffset, storeTimestamp: storeTimestamp)
                {
                    continue
                }
                var name = storeTimestamp
                if let last = list.last, name <= last.file.startOffset { name = last.file.startOffset + 1 }
                let file = try IndexFile(
                    path: directory + "/" + StoreFiles.fileName(for: name), createdAt: name, slots: slots,
                    entries: entries, chunkSize: chunkSize)
                StoreFiles.syncDirectory(directory)
                list.append(file)
                _ = try file.put(key: indexKey, commitLogOffset: commitLogOffset, storeTimestamp: storeTimestamp)
            }
            return list.last
        }
        // Reserve the next chunk in the background, well before the writer reaches it.
        if let current, let allocator, current.claimGrowth() {
            allocator.submit { current.reserveMore() }
        }
    }

    /// Candidate commit-log offsets for `topic#key` in a time range, newest first, de-duplicated.
    func lookup(topic: String, key: String, begin: Int64, end: Int64, limit: Int) -> [Int64] {
        let indexKey = Self.indexKey(topic: topic, key: key)
        return files.withLock { list in
            var seen = Set<Int64>()
            var result: [Int64] = []
            for file in list.reversed() where result.count < limit {
                guard file.indexCount > 1,
                    file.beginTimestamp <= end.addingReportingOverflow(1000).partialValue.clampedEnd(end),
                    file.endTimestamp >= begin.subtractingReportingOverflow(1000).partialValue.clampedBegin(begin)
                else {
                    continue
                }
                for offset in file.lookup(key: indexKey, begin: begin, end: end, limit: limit * 2)
                where seen.insert(offset).inserted {
                    result.append(offset)
                }
            }
            return result
        }
    }

    /// The newest indexed commit-log offset (for recovery), or nil.
    var lastIndexedOffset: Int64? {
        files.withLock { list in list.last(where: { $0.indexCount > 1 })?.endPhyOffset }
    }

    /// Flushes all files.
    func flush() throws(StoreError) {
        let list = files.withLock { $0 }
        for file in list.suffix(2) { try file.flush() }
    }

    /// Deletes files whose newest entry points below `commitLogMin` (never the newest file).
    @discardableResult
    func deleteFiles(below commitLogMin: Int64) -> Int {
        let removed = files.withLock { list -> [IndexFile] in
            var removed: [IndexFile] = []
            while list.count > 1, let first = list.first, first.endPhyOffset < commitLogMin {
                removed.append(list.removeFirst())
            }
            return removed
        }
        for file in removed { file.file.unlinkFile() }
        return removed.count
    }
}

extension Int64 {
    /// `self` unless adding wrapped around (then `original`'s saturated bound).
    func clampedEnd(_ original: Int64) -> Int64 { self < original ? Int64.max : self }
    /// `self` unless subtracting wrapped around.
    func clampedBegin(_ original: Int64) -> Int64 { self > original ? Int64.min : self }
}
