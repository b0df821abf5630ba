import CometCore

extension CommitLog {
    /// Where and why a forward scan of the log stopped.
    struct ScanOutcome {
        /// Offset just after the last valid record (or blank).
        var end: Int64
        /// Why the scan stopped before the end of the last segment, if it did.
        var stopReason: String?
        /// Number of valid records visited.
        var records: Int
    }

    /// Walks records from `start` (a record boundary) through all present segments, validating
    /// magic, lengths, PHYSICALOFFSET and (optionally) BODYCRC, and calls `visit` for each valid
    /// record. Stops at the first invalid record; zero bytes (never written) end the scan quietly.
    /// Used by recovery before ``maxOffset`` is known, and to rebuild consume queues and index.
    func scan(
        from start: Int64, verifyCRC: Bool,
        visit: (StoredMessageHeader, UnsafeRawBufferPointer, Int64) -> Void
    ) -> ScanOutcome {
        var offset = start
        var records = 0
        while let segment = segment(containing: offset) {
            let position = Int(offset - segment.startOffset)
            // Only the reserved part of a file may be touched; a segment whose space was reserved
            // in chunks ends its data with a blank whose length reaches past that part.
            let rest = segment.view(position..<max(position, segment.allocated))
            if rest.count >= 8, StoredMessageLayout.load(rest, 4, as: Int32.self) == StoredMessageLayout.blankMagic {
                guard position + Int(StoredMessageLayout.load(rest, 0, as: Int32.self)) == segment.size else {
                    return ScanOutcome(
                        end: offset, stopReason: "blank marker at \(offset) does not reach segment end",
                        records: records)
                }
                offset = segment.startOffset + Int64(segmentSize)
                continue
            }
            switch StoredMessageHeader.peek(rest) {
            case .blank:
                return ScanOutcome(end: offset, stopReason: "bad blank marker at \(offset)", records: records)
            case .message(let size):
                do {
                    let header = try StoredMessageHeader.parse(rest, verifyCRC: verifyCRC)
                    guard header.physicalOffset == offset else {
                        return ScanOutcome(
                            end: offset,
                            stopReason: "record at \(offset) claims physical offset \(header.physicalOffset)",
                            records: records)
                    }
                    visit(header, UnsafeRawBufferPointer(rebasing: rest[0..<size]), offset)
                    records += 1
                    offset += Int64(size)
                } catch {
                    return ScanOutcome(
                        end: offset, stopReason: "invalid record at \(offset): \(error)", records: records)
                }
            case .invalid:
                let isZero = rest.prefix(8).allSatisfy { $0 == 0 }
                return ScanOutcome(
                    end: offset, stopReason: isZero ? nil : "bad record header at \(offset)", records: records)
            }
        }
        return ScanOutcome(end: offset, stopReason: nil, records: records)
    }
}
