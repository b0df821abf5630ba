/// Sums over the last `slots` buckets of `width` milliseconds, kept in a ring: the building block
/// of per-minute, per-hour and per-day statistics. A pure value; callers pass the time.
struct RollingWindow: Sendable {
    let width: Int64
    private var sums: [Int64]
    private var counts: [Int64]
    private var buckets: [Int64]

    init(slots: Int, width: Int64) {
        self.width = width
        sums = Array(repeating: 0, count: slots)
        counts = Array(repeating: 0, count: slots)
        buckets = Array(repeating: -1, count: slots)
    }

    var slots: Int { sums.count }

    mutating func add(_ value: Int64, times: Int64 = 1, now: Int64) {
        let bucket = now / width
        let index = Int(bucket % Int64(slots))
        if buckets[index] != bucket {
            buckets[index] = bucket
            sums[index] = 0
            counts[index] = 0
        }
        sums[index] &+= value
        counts[index] &+= times
    }

    /// Sum and call count over the `last` buckets before the current one (complete buckets only),
    /// or including it when `includingCurrent`.
    func total(last: Int, now: Int64, includingCurrent: Bool = false) -> (sum: Int64, times: Int64) {
        let current = now / width
        let newest = includingCurrent ? current : current - 1
        let oldest = newest - Int64(min(last, slots)) + 1
        var sum: Int64 = 0
        var times: Int64 = 0
        for i in 0..<slots where buckets[i] >= oldest && buckets[i] <= newest {
            sum &+= sums[i]
            times &+= counts[i]
        }
        return (sum, times)
    }
}
