/// Joins lines into events: a line matching the start pattern begins an event, every other line
/// belongs to the event before it (stack traces, wrapped log records). The last event stays open
/// until the next start line or ``flush()``.
package struct MultilineJoiner {
    private let isStart: (String) -> Bool
    private var open: TailEvent?

    /// A joiner starting events at lines for which `isStart` holds.
    package init(isStart: @escaping (String) -> Bool) { self.isStart = isStart }

    /// Where the open event starts, if one is open.
    package var pendingOffset: Int64? { open?.offset }

    /// Adds `line`; returns the event it completes, if any.
    package mutating func add(_ line: TailEvent) -> TailEvent? {
        if var event = open, !isStart(String(decoding: line.body, as: UTF8.self)) {
            event.body.append(0x0A)
            event.body.append(contentsOf: line.body)
            event.end = line.end
            open = event
            return nil
        }
        let completed = open
        open = line
        return completed
    }

    /// Closes the open event (the file was idle long enough, or is gone).
    package mutating func flush() -> TailEvent? {
        defer { open = nil }
        return open
    }

    /// Drops the open event (the file was truncated).
    package mutating func reset() { open = nil }
}
