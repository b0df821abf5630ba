/// Names one delivery of a POP message: the queue, the queue offset and the delivery sequence.
/// Opaque to clients; written as `q<queue>o<offset>s<sequence>` so logs stay readable.
package struct ReceiptHandle: Sendable, Hashable, CustomStringConvertible {
    package var queueID: Int32
    package var offset: Int64
    package var sequence: UInt64

    package init(queueID: Int32, offset: Int64, sequence: UInt64) {
        self.queueID = queueID
        self.offset = offset
        self.sequence = sequence
    }

    /// Parses a handle a client sent back; nil if it is not one of ours.
    package init?(_ text: String) {
        guard text.hasPrefix("q"), let o = text.firstIndex(of: "o"), let s = text.firstIndex(of: "s"), o < s,
            let queueID = Int32(text[text.index(after: text.startIndex)..<o]), queueID >= 0,
            let offset = Int64(text[text.index(after: o)..<s]), offset >= 0,
            let sequence = UInt64(text[text.index(after: s)...])
        else { return nil }
        self.init(queueID: queueID, offset: offset, sequence: sequence)
    }

    package var description: String { "q\(queueID)o\(offset)s\(sequence)" }
}
