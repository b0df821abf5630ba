import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A file mapped read-write (`MAP_SHARED`) into memory at a fixed size, whose disk space may be
/// reserved only up to a prefix (``allocated``) and grown in chunks as data approaches its end.
///
/// Touching a mapped page past the end of the file raises SIGBUS, and writing to a page whose
/// blocks are not reserved raises SIGBUS when the disk is full; so every byte below
/// ``allocated`` is reserved with `posix_fallocate`, and callers only touch bytes below it
/// (``reserve(upTo:)`` first). Readers only read what a writer wrote, so they never pass it.
///
/// Files opened with `readOnlyView` are mapped a second time read-only (``readBase``): buffers
/// handed to the network view the file through it, so no buffer operation can ever write into
/// the log (it would fault instead).
///
/// Lifetime: the mappings and descriptor are released in `deinit`, i.e. when the last reference
/// goes away. Retention only unlinks the file and drops the store's reference, so read slices
/// and buffers that still hold the segment stay valid (Linux keeps the inode until `munmap`).
final class MappedFile: @unchecked Sendable {
    /// Path of the file.
    let path: String
    /// Logical start offset of the file (its name).
    let startOffset: Int64
    /// Mapped size in bytes (the most the file can grow to).
    let size: Int
    /// Base address of the mapping.
    let base: UnsafeMutableRawPointer
    /// Base address of the read-only mapping of the same file (same pages), if opened with
    /// `readOnlyView`; `base` otherwise.
    let readBase: UnsafeRawPointer
    private let readOnlyMapping: Bool
    private let descriptor: Int32
    private let allocatedBytes: Atomic<Int>
    private let growLock = Mutex<Void>(())

    /// Opens (or creates) a file mapped at `size` bytes. At least `reserving` bytes (default: all
    /// of `size`) are reserved with `posix_fallocate`; an existing file keeps what it already
    /// holds (a torn tail past its end reads as never written). A longer file is an error.
    /// `readOnlyView` also maps it read-only (``readBase``), for buffers that leave the store.
    init(
        path: String, startOffset: Int64, size: Int, reserving: Int? = nil, readOnlyView: Bool = false
    ) throws(StoreError) {
        self.path = path
        self.startOffset = startOffset
        self.size = size
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError(.ioFailure, "open \(path)", errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw StoreError(.ioFailure, "fstat \(path)", errno: code)
        }
        if Int(info.st_size) > size {
            close(fd)
            throw StoreError(.corruptStore, "\(path) is \(info.st_size) bytes, expected at most \(size)")
        }
        let wanted = min(size, max(0, reserving ?? size))
        var allocated = Int(info.st_size)
        if allocated < wanted {
            let result = posix_fallocate(fd, off_t(allocated), off_t(wanted - allocated))
            if result != 0 {
                close(fd)
                if info.st_size == 0 { unlink(path) }
                throw StoreError(result == ENOSPC ? .diskFull : .ioFailure, "allocate \(path)", errno: result)
            }
            allocated = wanted
        }
        guard let mapping = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapping != MAP_FAILED else {
            let code = errno
            close(fd)
            throw StoreError(.ioFailure, "mmap \(path)", errno: code)
        }
        if readOnlyView {
            guard let view = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), view != MAP_FAILED else {
                let code = errno
                munmap(mapping, size)
                close(fd)
                throw StoreError(.ioFailure, "mmap \(path) read-only", errno: code)
            }
            self.readBase = UnsafeRawPointer(view)
        } else {
            self.readBase = UnsafeRawPointer(mapping)
        }
        self.readOnlyMapping = readOnlyView
        self.base = mapping
        self.descriptor = fd
        self.allocatedBytes = Atomic(allocated)
    }

    /// Bytes from the start of the file that are backed by reserved disk space; only these may
    /// be touched through the mapping.
    var allocated: Int { allocatedBytes.load(ordering: .acquiring) }

    /// Reserves disk space so that at least the first `end` bytes (capped at ``size``) are
    /// backed. Safe to call from several threads: the background allocator growing ahead of the
    /// writer, or the writer itself when it would otherwise pass the end.
    func reserve(upTo end: Int) throws(StoreError) {
        let target = min(size, end)
        guard target > allocated else { return }
        try growLock.withLock { _ throws(StoreError) in
            let current = allocatedBytes.load(ordering: .acquiring)
            guard target > current else { return }
            let result = posix_fallocate(descriptor, off_t(current), off_t(target - current))
            guard result == 0 else {
                throw StoreError(result == ENOSPC ? .diskFull : .ioFailure, "allocate \(path)", errno: result)
            }
            allocatedBytes.store(target, ordering: .releasing)
        }
    }

    deinit {
        if readOnlyMapping { munmap(UnsafeMutableRawPointer(mutating: readBase), size) }
        munmap(base, size)
        close(descriptor)
    }

    /// The whole mapping as raw bytes.
    var bytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: base, count: size) }

    /// Read-only view of `range`.
    func view(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// Forces bytes in `range` (file-relative) to disk with `msync(MS_SYNC)`.
    func flush(_ range: Range<Int>) throws(StoreError) {
        guard !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / page * page
        guard msync(base + start, range.upperBound - start, MS_SYNC) == 0 else {
            throw StoreError(.ioFailure, "msync \(path)", errno: errno)
        }
    }

    /// Whether every page of `range` (file-relative) is in the page cache (`mincore`), so that
    /// reading it cannot wait for the disk.
    func isResident(_ range: Range<Int>) -> Bool {
        let range = range.clamped(to: 0..<allocated)
        guard !range.isEmpty else { return true }
        let page = Self.pageSize
        let start = range.lowerBound / page * page
        let length = range.upperBound - start
        let pages = (length + page - 1) / page
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: pages) { vector in
            guard mincore(base + start, length, vector.baseAddress!) == 0 else { return false }
            return vector.allSatisfy { $0 & 1 != 0 }
        }
    }

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Zeroes stale bytes after `offset` and flushes them. Walks page by page and stops after
    /// 16 consecutive pages that are already zero, so a fresh 1 GiB segment is not touched
    /// entirely (reading never-written pages allocates nothing). Stops at ``allocated``.
    func zero(from offset: Int) throws(StoreError) {
        let size = allocated
        guard offset < size else { return }
        let page = 4096
        var position = offset
        var zeroRun = 0
        var dirtyEnd = offset
        while position < size && zeroRun < 16 {
            let next = min(size, (position / page + 1) * page)
            let region = UnsafeMutableRawBufferPointer(start: base + position, count: next - position)
            if region.contains(where: { $0 != 0 }) {
                region.initializeMemory(as: UInt8.self, repeating: 0)
                dirtyEnd = next
                zeroRun = 0
            } else {
                zeroRun += 1
            }
            position = next
        }
        try flush(offset..<dirtyEnd)
    }

    /// Last modification time in epoch milliseconds.
    var modificationTimeMillis: Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return 0 }
        return Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
    }

    /// Removes the file from its directory; the mapping stays valid until `deinit`.
    func unlinkFile() {
        unlink(path)
    }
}
