/// One line (or, with a multiline pattern, one event) cut from a file, with where it lies in the file.
package struct TailEvent: Sendable, Equatable {
    /// The bytes without the line break (`\n`, or `\r\n`); lines of a multiline event joined by `\n`.
    package var body: [UInt8]
    /// Byte offset of the event's first byte.
    package var offset: Int64
    /// Byte offset just after the event (and its line break).
    package var end: Int64

    /// An event from its parts.
    package init(body: [UInt8], offset: Int64, end: Int64) {
        self.body = body
        self.offset = offset
        self.end = end
    }
}

/// Cuts the bytes of a file, read in chunks of any size, into lines with their offsets. A line is
/// only complete at its `\n`: the rest of a chunk is kept until the next one (or ``flush()`` when
/// the file will not grow any more). Lines longer than `maxLineBytes` are cut into several events
/// rather than dropped or buffered without bound.
package struct LineAssembler: Sendable {
    private var partial: [UInt8] = []
    private var partialStart: Int64
    private let maxLineBytes: Int

    /// An assembler for bytes starting at `offset`.
    package init(startingAt offset: Int64, maxLineBytes: Int = 1 << 20) {
        partialStart = offset
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// Where the first byte not yet returned in a line lies.
    package var pendingOffset: Int64 { partialStart }

    /// Starts over at `offset` (after a truncation), dropping any partial line.
    package mutating func reset(at offset: Int64) {
        partial.removeAll(keepingCapacity: true)
        partialStart = offset
    }

    /// Adds the next `chunk` of the file and appends the lines it completes to `lines`. Empty lines
    /// are skipped (a message body cannot be empty) but still advance the offsets.
    package mutating func append(_ chunk: UnsafeRawBufferPointer, into lines: inout [TailEvent]) {
        guard let base = chunk.baseAddress, !chunk.isEmpty else { return }
        var position = 0
        while position < chunk.count {
            let remaining = chunk.count - position
            let found = memchr(base + position, 0x0A, remaining)
            guard let found else {
                partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[position...]))
                cutOversizedPartial(into: &lines)
                return
            }
            let newline = base.distance(to: UnsafeRawPointer(found))
            let piece = UnsafeRawBufferPointer(rebasing: chunk[position..<newline])
            let end = partialStart + Int64(partial.count + piece.count + 1)
            if partial.isEmpty {
                emit(Array(piece), end: end, into: &lines)
            } else {
                partial.append(contentsOf: piece)
                emit(partial, end: end, into: &lines)
                partial.removeAll(keepingCapacity: true)
            }
            partialStart = end
            position = newline + 1
        }
    }

    /// The unterminated last line, for a file that will not grow any more (rotated away).
    package mutating func flush() -> TailEvent? {
        guard !partial.isEmpty else { return nil }
        defer { reset(at: partialStart + Int64(partial.count)) }
        var body = partial
        if body.last == 0x0D { body.removeLast() }
        return body.isEmpty
            ? nil : TailEvent(body: body, offset: partialStart, end: partialStart + Int64(partial.count))
    }

    private mutating func emit(_ bytes: [UInt8], end: Int64, into lines: inout [TailEvent]) {
        var body = bytes
        if body.last == 0x0D { body.removeLast() }
        var start = 0
        while body.count - start > maxLineBytes {
            let pieceStart = partialStart + Int64(start)
            lines.append(
                TailEvent(
                    body: Array(body[start..<start + maxLineBytes]), offset: pieceStart,
                    end: pieceStart + Int64(maxLineBytes)))
            start += maxLineBytes
        }
        if start < body.count {
            lines.append(TailEvent(body: Array(body[start...]), offset: partialStart + Int64(start), end: end))
        }
    }

    private mutating func cutOversizedPartial(into lines: inout [TailEvent]) {
        while partial.count >= maxLineBytes {
            let piece = Array(partial[..<maxLineBytes])
            let end = partialStart + Int64(maxLineBytes)
            lines.append(TailEvent(body: piece, offset: partialStart, end: end))
            partial.removeFirst(maxLineBytes)
            partialStart = end
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
