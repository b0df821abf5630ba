extension FixedWidthInteger {
    /// `self + other`, clamped to the type's range instead of trapping: deadlines and sizes built
    /// from numbers a client sent must never crash the process.
    package func addingSaturating(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self * other`, clamped to the type's range instead of trapping.
    package func multipliedSaturating(by other: Self) -> Self {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }
}

extension Duration {
    /// The duration in whole milliseconds, saturating at the `Int64` range.
    package var saturatingMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedSaturating(by: 1000).addingSaturating(attoseconds / 1_000_000_000_000_000)
    }
}
