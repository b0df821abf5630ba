/// Where an evaluation reads message properties from (a dictionary, or a stored record's bytes).
package protocol FilterPropertySource {
    /// The property's value, nil when the message lacks it.
    func property(_ name: String) -> String?
}

extension Dictionary: FilterPropertySource where Key == String, Value == String {
    package func property(_ name: String) -> String? { self[name] }
}

/// A node of a compiled SQL92 filter, evaluated with RocketMQ's three-valued logic (`null` is
/// "unknown"; only a final `TRUE` matches).
indirect enum FilterNode: Sendable {
    /// Ordering and equality operators (`<>` is compiled as NOT of `=`).
    enum Comparison: String, Sendable {
        case equal = "="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
    }

    case constant(FilterValue)
    case property(String)
    case negate(FilterNode)
    case not(FilterNode)
    /// A bare property used as a condition: true only for a Boolean, which properties never are.
    case booleanCast(FilterNode)
    /// Conjunction of two or more conditions, evaluated left to right. A chain `a AND b AND c`
    /// is one flat node rather than a left-deep tree, so long chains need no recursion.
    case and([FilterNode])
    /// Disjunction of two or more conditions, evaluated left to right (flat, like ``and(_:)``).
    case or([FilterNode])
    case compare(Comparison, FilterNode, FilterNode)
    case isNull(FilterNode)
    case inList(String, Set<String>, negated: Bool)

    /// Whether upstream would build a `BooleanExpression` here (NULL, TRUE and FALSE literals included).
    /// `left AND right`, appended to `left` when it already is a conjunction.
    static func conjunction(_ left: FilterNode, _ right: FilterNode) -> FilterNode {
        if case .and(var terms) = left {
            terms.append(right)
            return .and(terms)
        }
        return .and([left, right])
    }

    /// `left OR right`, appended to `left` when it already is a disjunction.
    static func disjunction(_ left: FilterNode, _ right: FilterNode) -> FilterNode {
        if case .or(var terms) = left {
            terms.append(right)
            return .or(terms)
        }
        return .or([left, right])
    }

    var isBoolean: Bool {
        switch self {
        case .constant(.bool), .constant(.null): return true
        case .constant, .property, .negate: return false
        default: return true
        }
    }

    var isConstant: Bool {
        if case .constant = self { return true }
        return false
    }

    /// Names of the properties the node reads (an explicit work list: no recursion).
    var propertyNames: Set<String> {
        var names: Set<String> = []
        var pending: [FilterNode] = [self]
        while let node = pending.popLast() {
            switch node {
            case .constant: break
            case .property(let name), .inList(let name, _, _): names.insert(name)
            case .negate(let n), .not(let n), .booleanCast(let n), .isNull(let n): pending.append(n)
            case .and(let terms), .or(let terms): pending += terms
            case .compare(_, let l, let r): pending += [l, r]
            }
        }
        return names
    }

    func evaluate<Source: FilterPropertySource>(_ source: Source) -> FilterValue {
        switch self {
        case .constant(let value):
            return value
        case .property(let name):
            return source.property(name).map(FilterValue.string) ?? .null
        case .negate(let operand):
            switch operand.evaluate(source) {
            case .long(let v): return .long(0 &- v)
            case .double(let v): return .double(-v)
            case .failed: return .failed
            default: return .null
            }
        case .not(let operand):
            switch operand.evaluate(source) {
            case .bool(let v): return .bool(!v)
            case .null: return .null
            default: return .failed
            }
        case .booleanCast(let operand):
            switch operand.evaluate(source) {
            case .null: return .null
            case .bool(let v): return .bool(v)
            case .failed: return .failed
            default: return .bool(false)
            }
        case .and(let terms):
            // Folds left to right exactly as the binary tree `((a AND b) AND c)` would.
            var result = FilterValue.bool(true)
            for term in terms {
                let value = term.evaluate(source)
                if value == .failed || value == .bool(false) { return value }
                if value == .null { result = .null }
            }
            return result
        case .or(let terms):
            var result = FilterValue.bool(false)
            for term in terms {
                let value = term.evaluate(source)
                if value == .failed || value == .bool(true) { return value }
                if value == .null { result = .null }
            }
            return result
        case .isNull(let operand):
            switch operand.evaluate(source) {
            case .null: return .bool(true)
            case .failed: return .failed
            default: return .bool(false)
            }
        case .inList(let name, let values, let negated):
            guard let value = source.property(name) else { return .null }
            return .bool(values.contains(value) != negated)
        case .compare(.equal, let left, let right):
            let l = left.evaluate(source)
            if l == .failed { return .failed }
            let r = right.evaluate(source)
            if r == .failed { return .failed }
            switch (l, r) {
            case (.null, .null): return .bool(true)
            case (.null, _): return .null
            case (_, .null): return .bool(false)
            default:
                if l.javaEquals(r) { return .bool(true) }
                guard let order = FilterValue.compare(l, r) else { return .failed }
                return .bool(order == 0)
            }
        case .compare(let comparison, let left, let right):
            let l = left.evaluate(source)
            if l == .failed || l == .null { return l }
            let r = right.evaluate(source)
            if r == .failed || r == .null { return r }
            let order: Int?
            if case .string(let a) = l, case .string(let b) = r {
                // Strings are never ordered: both must read as numbers.
                guard let x = FilterValue.javaDouble(a), let y = FilterValue.javaDouble(b) else { return .failed }
                order = FilterValue.compareDoubles(x, y)
            } else {
                order = FilterValue.compare(l, r)
            }
            guard let order else { return .failed }
            switch comparison {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            case .greaterOrEqual: return .bool(order >= 0)
            case .equal: return .bool(order == 0)
            }
        }
    }
}
