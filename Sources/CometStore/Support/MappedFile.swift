#if canImport(Glibc)
import Glibc
#endif

/// A fixed-size file mapped read-write (`MAP_SHARED`) into memory.
///
/// Lifetime: the mapping and descriptor are released in `deinit`, i.e. when the last reference
/// goes away. Retention only unlinks the file and drops the store's reference, so read slices
/// that still hold the segment stay valid (Linux keeps the inode until `munmap`).
final class MappedFile: @unchecked Sendable {
    /// Path of the file.
    let path: String
    /// Logical start offset of the file (its name).
    let startOffset: Int64
    /// Mapped size in bytes.
    let size: Int
    /// Base address of the mapping.
    let base: UnsafeMutableRawPointer
    private let descriptor: Int32

    /// Opens (or creates, reserving space with `posix_fallocate`) a file of exactly `size` bytes.
    /// A shorter existing file is extended with zeroes (a torn tail); a longer one is an error.
    init(path: String, startOffset: Int64, size: Int) throws(StoreError) {
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
            throw StoreError(.corruptStore, "\(path) is \(info.st_size) bytes, expected \(size)")
        }
        if Int(info.st_size) < size {
            let result = posix_fallocate(fd, 0, off_t(size))
            if result != 0 {
                close(fd)
                if info.st_size == 0 { unlink(path) }
                throw StoreError(result == ENOSPC ? .diskFull : .ioFailure, "allocate \(path)", errno: result)
            }
        }
        guard let mapping = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapping != MAP_FAILED else {
            let code = errno
            close(fd)
            throw StoreError(.ioFailure, "mmap \(path)", errno: code)
        }
        self.base = mapping
        self.descriptor = fd
    }

    deinit {
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

    /// Zeroes stale bytes after `offset` and flushes them. Walks page by page and stops after
    /// 16 consecutive pages that are already zero, so a fresh 1 GiB segment is not touched
    /// entirely (reading never-written pages allocates nothing).
    func zero(from offset: Int) throws(StoreError) {
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
