/// A value met while evaluating a SQL92 filter: RocketMQ's Java objects (`null`, `Boolean`, `Long`,
/// `Double`, `String`) plus ``failed``, which stands for the exception upstream's evaluator throws
/// (a string that does not parse as the number it is compared with): it propagates to the top and
/// the message does not match.
enum FilterValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case long(Int64)
    case double(Double)
    case string(String)
    case failed

    /// Whether upstream would treat the value as a `Number`.
    var isNumber: Bool {
        switch self {
        case .long, .double: return true
        default: return false
        }
    }

    /// Java `equals` on the boxed values (same type, same value).
    func javaEquals(_ other: FilterValue) -> Bool {
        switch (self, other) {
        case (.bool(let a), .bool(let b)): return a == b
        case (.long(let a), .long(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a == b
        default: return false
        }
    }

    /// Upstream `ComparisonExpression.__compare` with string conversion on (what RocketMQ's parser
    /// always enables): mixed types convert towards the other side (string → its boolean, long or
    /// double, long → double); nil where upstream throws (unparsable number, boolean vs string).
    static func compare(_ lhs: FilterValue, _ rhs: FilterValue) -> Int? {
        switch (lhs, rhs) {
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.long(let a), .long(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        case (.double(let a), .double(let b)): return compareDoubles(a, b)
        case (.string(let a), .string(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        case (.long(let a), .double(let b)): return compareDoubles(Double(a), b)
        case (.double(let a), .long(let b)): return compareDoubles(a, Double(b))
        case (.long(let a), .string(let s)):
            guard let b = Int64(s) else { return nil }
            return a < b ? -1 : (a > b ? 1 : 0)
        case (.double(let a), .string(let s)):
            guard let b = javaDouble(s) else { return nil }
            return compareDoubles(a, b)
        case (.string(let s), .long(let b)):
            guard let a = Int64(s) else { return nil }
            return a < b ? -1 : (a > b ? 1 : 0)
        case (.string(let s), .double(let b)):
            guard let a = javaDouble(s) else { return nil }
            return compareDoubles(a, b)
        case (.string(let s), .bool(let b)):
            let a = s.lowercased() == "true"
            return a == b ? 0 : (a ? 1 : -1)
        case (.bool, .string): return nil
        default: return -1
        }
    }

    /// `Double.compare` ordering (NaN above everything).
    static func compareDoubles(_ a: Double, _ b: Double) -> Int {
        if a < b { return -1 }
        if a > b { return 1 }
        if a == b { return 0 }
        return a.isNaN ? (b.isNaN ? 0 : 1) : -1
    }

    /// `Double.valueOf`: surrounding whitespace allowed, an `f`/`d` suffix ignored.
    static func javaDouble(_ text: String) -> Double? {
        var s = Substring(text)
        while let c = s.first, c == " " || c == "\t" || c == "\n" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" { s.removeLast() }
        if let value = Double(s) { return value }
        if let last = s.last, "fFdD".contains(last) { return Double(s.dropLast()) }
        return nil
    }
}
