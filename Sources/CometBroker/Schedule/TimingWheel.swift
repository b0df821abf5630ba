/// A hashed timing wheel with unbounded slots: entries are kept in buckets of `precision`
/// milliseconds, keyed by bucket number, and a cursor walks the buckets in order.
///
/// Adding is O(1); advancing costs O(buckets passed + entries due), never O(entries pending),
/// and an empty wheel jumps straight to "now". Entries never fire early: an entry due at `t`
/// sits in bucket ⌈t / precision⌉ and fires once `now ≥ bucket × precision`.
package struct TimingWheel<Value>: Sendable where Value: Sendable {
    /// Bucket width in milliseconds.
    package let precision: Int64
    /// The next bucket to fire; every bucket before it has fired.
    package private(set) var cursor: Int64
    /// Entries pending.
    package private(set) var count = 0
    private var buckets: [Int64: [Value]] = [:]

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
        while cursor <= last {
            if count == 0 {
                cursor = last + 1
                break
            }
            if let entries = buckets.removeValue(forKey: cursor) {
                if !due.isEmpty && due.count + entries.count > limit {
                    buckets[cursor] = entries
                    break
                }
                count -= entries.count
                due.append(contentsOf: entries)
            }
            cursor += 1
        }
        return due
    }

    /// Milliseconds from `now` until the cursor's bucket is due (0 if it already is).
    package func millisUntilNextBucket(now: Int64) -> Int64 { max(0, cursor * precision - now) }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
