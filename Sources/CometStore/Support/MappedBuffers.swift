@_spi(CustomByteBufferAllocator) package import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `ByteBuffer`s that view bytes of a mapped commit-log segment instead of copying them, so
/// pulled records go from the page cache to the socket with no copy in user space (the idea
/// of upstream's `ManyMessageTransfer`: the mapped slices are handed to the channel as they are).
///
/// Such a buffer takes "ownership" of a pointer into the segment's read-only mapping through
/// NIO's custom-allocator API; its storage calls ``deallocate`` when the last copy of the buffer
/// is gone. A pin table keeps the segment (and so the mapping) alive until then, even when
/// retention deletes its file meanwhile. Should anything ever grow such a buffer, ``reallocate``
/// moves the bytes to the heap first, so the mapping itself is never written or freed.
package enum MappedBuffers {
    private struct Pin {
        let file: MappedFile
        var count: Int
    }

    /// Live views by start address (two pulls of the same record share an entry).
    private static let pins = Mutex<[UInt: Pin]>([:])

    /// The allocator of viewing buffers: heap memory as usual, except for pinned addresses.
    private static let allocator = ByteBufferAllocator(
        allocate: { size in malloc(size) },
        reallocate: { pointer, oldSize, newSize in MappedBuffers.reallocate(pointer, oldSize, newSize) },
        deallocate: { pointer in MappedBuffers.deallocate(pointer) },
        copy: { destination, source, count in destination.copyMemory(from: source, byteCount: count) })

    /// A buffer whose readable bytes are `range` (file-relative) of `file`, without a copy.
    /// `file` must have a read-only view, and `range` must hold written data.
    static func view(of file: MappedFile, range: Range<Int>) -> ByteBuffer {
        precondition(!range.isEmpty && range.upperBound <= file.size)
        let start = UnsafeMutableRawPointer(mutating: file.readBase + range.lowerBound)
        pins.withLock { pins in
            pins[UInt(bitPattern: start), default: Pin(file: file, count: 0)].count += 1
        }
        return ByteBuffer(
            takingOwnershipOf: UnsafeMutableRawBufferPointer(start: start, count: range.count), allocator: allocator)
    }

    /// How many live buffers view the mapped bytes `buffer` starts at (0 for a heap buffer):
    /// tests check views are released.
    package static func pinCount(of buffer: ByteBuffer) -> Int {
        pinCount(atAddress: buffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) })
    }

    /// How many live buffers view the mapped bytes at `address` (0 when none or not mapped).
    package static func pinCount(atAddress address: UInt) -> Int {
        pins.withLock { $0[address]?.count ?? 0 }
    }

    /// Drops one pin of `pointer`; false if it is no pinned address (heap memory).
    private static func unpin(_ pointer: UnsafeMutableRawPointer) -> Bool {
        let key = UInt(bitPattern: pointer)
        // The last reference to a segment may go here: released after the lock (munmap).
        let released: Pin? = pins.withLock { pins in
            guard var pin = pins[key] else { return nil }
            pin.count -= 1
            if pin.count == 0 {
                return pins.removeValue(forKey: key)
            }
            pins[key] = pin
            return pin
        }
        return released != nil
    }

    private static func deallocate(_ pointer: UnsafeMutableRawPointer) {
        if !unpin(pointer) { free(pointer) }
    }

    private static func reallocate(
        _ pointer: UnsafeMutableRawPointer?, _ oldSize: Int, _ newSize: Int
    ) -> UnsafeMutableRawPointer? {
        guard let pointer else { return malloc(newSize) }
        guard pins.withLock({ $0[UInt(bitPattern: pointer)] != nil }) else { return realloc(pointer, newSize) }
        // Never resize or write the mapping: the bytes move to the heap, the pin is dropped.
        guard let moved = malloc(max(1, newSize)) else { return nil }
        moved.copyMemory(from: pointer, byteCount: min(oldSize, newSize))
        _ = unpin(pointer)
        return moved
    }

    /// Reads one byte of every page of `range` of `file`, so that pages not in memory are read
    /// by the calling thread, not later by the event loop writing the buffer to the socket.
    static func prefault(_ file: MappedFile, _ range: Range<Int>) {
        var sum: UInt8 = 0
        var position = range.lowerBound
        while position < range.upperBound {
            sum &+= file.readBase.load(fromByteOffset: position, as: UInt8.self)
            position = (position / pageSize + 1) * pageSize
        }
        // Stored so the reads cannot be optimized away.
        sink.store(sum, ordering: .relaxed)
    }

    private static let sink = Atomic<UInt8>(0)

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
}
