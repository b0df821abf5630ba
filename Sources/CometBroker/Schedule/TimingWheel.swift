/// A hashed timing wheel with unbounded slots: entries are kept in buckets of `precision`
/// milliseconds, keyed by bucket number, and a cursor walks the buckets in order.
///
/// Adding is O(log buckets); advancing costs O(log buckets) per bucket due plus the entries due,
/// never O(entries pending) nor O(time passed): a min-heap of bucket numbers says which comes
/// next, so a loop can sleep until ``nextDue`` instead of ticking. Entries never fire early: an
/// entry due at `t` sits in bucket ⌈t / precision⌉ and fires once `now ≥ bucket × precision`.
package struct TimingWheel<Value>: Sendable where Value: Sendable {
    /// Bucket width in milliseconds.
    package let precision: Int64
    /// The next bucket to fire; every bucket before it has fired.
    package private(set) var cursor: Int64
    /// Entries pending.
    package private(set) var count = 0
    private var buckets: [Int64: [Value]] = [:]
    /// The keys of `buckets`, smallest first.
    private var order = MinHeap()

    /// A wheel whose cursor starts at the bucket of `now`.
    package init(precision: Int64 = 100, now: Int64) {
        self.precision = max(1, precision)
        cursor = Self.floorDiv(now, self.precision)
    }

    /// A wheel resumed at a saved cursor.
    package init(precision: Int64 = 100, cursor: Int64) {
        self.precision = max(1, precision)
        self.cursor = cursor
    }

    /// The bucket an entry due at `deliverAt` belongs to.
    package func bucket(for deliverAt: Int64) -> Int64 {
        -Self.floorDiv(-deliverAt, precision)
    }

    /// Whether an entry due at `deliverAt` is already past the cursor (its bucket has fired).
    package func isOverdue(_ deliverAt: Int64) -> Bool { bucket(for: deliverAt) < cursor }

    /// Adds an entry; returns `false` (and keeps nothing) if its bucket has already fired, so
    /// the caller delivers it at once.
    @discardableResult
    package mutating func add(_ value: Value, deliverAt: Int64) -> Bool {
        let slot = bucket(for: deliverAt)
        guard slot >= cursor else { return false }
        if buckets[slot] == nil { order.insert(slot) }
        buckets[slot, default: []].append(value)
        count += 1
        return true
    }

    /// Moves the cursor past every bucket due at `now` and returns their entries in due order.
    /// `limit` bounds the entries returned at once; the cursor stops at the first bucket that did not fit
    /// (a bucket is returned whole, so it may exceed the limit).
    package mutating func advance(to now: Int64, limit: Int = .max) -> [Value] {
        let last = Self.floorDiv(now, precision)
        var due: [Value] = []
        while let slot = order.min, slot <= last {
            let entries = buckets[slot] ?? []
            if !due.isEmpty && due.count + entries.count > limit {
                cursor = slot
                return due
            }
            order.removeMin()
            buckets[slot] = nil
            count -= entries.count
            due.append(contentsOf: entries)
        }
        cursor = max(cursor, last + 1)
        return due
    }

    /// When the earliest pending bucket is due (ms), or `nil` when the wheel is empty.
    package var nextDue: Int64? { order.min.map { $0 * precision } }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

/// A binary min-heap of bucket numbers (swift-collections' `Heap` is not a dependency).
private struct MinHeap: Sendable {
    private var items: [Int64] = []

    var min: Int64? { items.first }

    mutating func insert(_ value: Int64) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func removeMin() {
        guard !items.isEmpty else { return }
        items.swapAt(0, items.count - 1)
        items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            if smallest == parent { return }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
