import CometCore

extension CommitLog {
    /// Writes one record or end-of-segment blank received from a master at ``maxOffset``, byte for
    /// byte (a slave's log is a copy of its master's, so records keep the master's offsets).
    /// Writer only. A blank moves the end to the start of the next segment; only its 8-byte marker
    /// is written (the rest of a segment reads as zeros, as in a blank the writer itself adds).
    func appendVerbatim(_ record: UnsafeRawBufferPointer, isBlank: Bool) throws(StoreError) {
        let offset = maxOffset
        let segment = try writableSegment(at: offset)
        let position = Int(offset - segment.startOffset)
        if isBlank {
            guard position + record.count == segmentSize else {
                throw StoreError(.corruptStore, "replicated blank at \(offset) does not reach the segment end")
            }
            try segment.reserve(upTo: position + 8)
            UnsafeMutableRawBufferPointer(rebasing: segment.bytes[position..<position + 8])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: record[0..<8]))
            publishEnd(segment.startOffset + Int64(segmentSize))
            return
        }
        guard position + record.count <= segmentSize else {
            throw StoreError(.corruptStore, "replicated record at \(offset) crosses the segment end")
        }
        let needed = min(segmentSize, position + record.count + StoredMessageLayout.endOfSegmentMinBlank)
        if needed > segment.allocated {
            try segment.reserve(upTo: min(segmentSize, (needed + chunkSize - 1) / chunkSize * chunkSize))
        }
        UnsafeMutableRawBufferPointer(rebasing: segment.bytes[position..<position + record.count])
            .copyMemory(from: record)
        publishEnd(offset + Int64(record.count))
    }

    /// Copies up to `maxBytes` of the log from `offset`, never past the end of `offset`'s segment
    /// or ``maxOffset`` (what a master sends in one HA frame). Bytes of a segment's trailing blank
    /// past the reserved part of the file are zeros, as a fully written file would hold.
    func copyForReplica(from offset: Int64, maxBytes: Int) -> [UInt8]? {
        let end = maxOffset
        guard offset >= 0, offset < end, let segment = segment(containing: offset) else { return nil }
        let position = Int(offset - segment.startOffset)
        let available = Int(min(end - offset, Int64(segmentSize - position)))
        let count = min(maxBytes, available)
        guard count > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: count)
        let readable = max(0, min(count, segment.allocated - position))
        if readable > 0 {
            bytes.withUnsafeMutableBytes { $0.copyMemory(from: segment.view(position..<position + readable)) }
        }
        return bytes
    }
}
