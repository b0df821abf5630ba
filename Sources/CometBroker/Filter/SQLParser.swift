/// Recursive-descent parser for RocketMQ's SQL92 selector grammar (`SelectorParser.jj`), building
/// a ``FilterNode`` tree and applying upstream's compile-time checks (ordering operands must be
/// numbers or properties, `NULL` cannot be compared with `=`, BETWEEN bounds must be ordered,
/// IN needs a property and string literals, conditions must be boolean).
///
/// Precedence, lowest first: `OR`, `AND`, `= <> IS [NOT] NULL`, `> >= < <= [NOT] BETWEEN [NOT] IN`,
/// unary `+ - NOT`, then literals, properties and parentheses. As upstream, `NOT` binds tighter
/// than comparisons: write `NOT (a = 1)`.
///
/// Subscriptions come from clients, so the parser is bounded: at most ``maxTokens`` tokens and
/// ``maxDepth`` nested parentheses or unary operators (both refused with a positioned error, which
/// the broker answers as SUBSCRIPTION_PARSE_FAILED). `AND`/`OR` chains become flat nodes, so the
/// compiled tree is never deeper than the nesting the text spells out.
struct SQLParser {
    /// Most tokens an expression may have (RocketMQ has no limit; real selectors use a few dozen).
    static let maxTokens = 4096
    /// Deepest nesting of parentheses and unary `+ - NOT` accepted.
    static let maxDepth = 64

    private let tokens: [SQLToken]
    private var index = 0
    private var depth = 0

    init(tokens: [SQLToken]) { self.tokens = tokens }

    /// Parses a whole expression into a boolean node.
    static func parse(_ text: String) throws(SQLFilterError) -> FilterNode {
        let tokens = try SQLLexer.tokenize(text)
        guard tokens.count <= maxTokens + 1 else {
            throw SQLFilterError(
                position: tokens[maxTokens].position, "the expression has more than \(maxTokens) tokens")
        }
        var parser = SQLParser(tokens: tokens)
        let first = parser.current
        let node = try parser.orExpression()
        guard case .end = parser.current.kind else {
            throw SQLFilterError(position: parser.current.position, "unexpected \(parser.current.quoted)")
        }
        return try asBoolean(node, at: first)
    }

    private var current: SQLToken { tokens[index] }
    private var next: SQLToken { tokens[min(index + 1, tokens.count - 1)] }

    private mutating func advance() -> SQLToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func isKeyword(_ keyword: SQLKeyword, _ token: SQLToken? = nil) -> Bool {
        (token ?? current).kind == .keyword(keyword)
    }

    private func isSymbol(_ symbol: String) -> Bool { current.kind == .symbol(symbol) }

    private mutating func expectSymbol(_ symbol: String) throws(SQLFilterError) {
        guard isSymbol(symbol) else {
            throw SQLFilterError(position: current.position, "expected '\(symbol)' but found \(current.quoted)")
        }
        _ = advance()
    }

    private mutating func expectKeyword(_ keyword: SQLKeyword) throws(SQLFilterError) {
        guard isKeyword(keyword) else {
            throw SQLFilterError(
                position: current.position, "expected '\(keyword.rawValue)' but found \(current.quoted)")
        }
        _ = advance()
    }

    private mutating func orExpression() throws(SQLFilterError) -> FilterNode {
        let firstToken = current
        var left = try andExpression()
        while isKeyword(.or) {
            let op = advance()
            let rightToken = current
            let right = try andExpression()
            left = .disjunction(try Self.asBoolean(left, at: firstToken), try Self.asBoolean(right, at: rightToken))
            _ = op
        }
        return left
    }

    private mutating func andExpression() throws(SQLFilterError) -> FilterNode {
        let firstToken = current
        var left = try equalityExpression()
        while isKeyword(.and) {
            _ = advance()
            let rightToken = current
            let right = try equalityExpression()
            left = .conjunction(try Self.asBoolean(left, at: firstToken), try Self.asBoolean(right, at: rightToken))
        }
        return left
    }

    private mutating func equalityExpression() throws(SQLFilterError) -> FilterNode {
        var left = try comparisonExpression()
        while true {
            if isSymbol("=") || isSymbol("<>") {
                let op = advance()
                let right = try comparisonExpression()
                let equal = try Self.equal(left, right, at: op)
                left = op.kind == .symbol("=") ? equal : .not(equal)
            } else if isKeyword(.is) {
                let op = advance()
                var negated = false
                if isKeyword(.not) {
                    _ = advance()
                    negated = true
                }
                try expectKeyword(.null)
                _ = op
                left = negated ? .not(.isNull(left)) : .isNull(left)
            } else {
                return left
            }
        }
    }

    private mutating func comparisonExpression() throws(SQLFilterError) -> FilterNode {
        var left = try unaryExpression()
        while true {
            let op = current
            switch op.kind {
            case .symbol(">"), .symbol(">="), .symbol("<"), .symbol("<="):
                _ = advance()
                let right = try unaryExpression()
                guard case .symbol(let symbol) = op.kind, let comparison = FilterNode.Comparison(rawValue: symbol)
                else {
                    return left
                }
                left = try Self.ordering(comparison, left, right, at: op)
            case .keyword(.between):
                _ = advance()
                left = try between(left, negated: false, at: op)
            case .keyword(.in):
                _ = advance()
                left = try inList(left, negated: false, at: op)
            case .keyword(.not) where isKeyword(.between, next) || isKeyword(.in, next):
                _ = advance()
                if isKeyword(.between) {
                    _ = advance()
                    left = try between(left, negated: true, at: op)
                } else {
                    _ = advance()
                    left = try inList(left, negated: true, at: op)
                }
            default:
                return left
            }
        }
    }

    private mutating func between(
        _ value: FilterNode, negated: Bool, at op: SQLToken
    ) throws(SQLFilterError) -> FilterNode {
        let low = try unaryExpression()
        try expectKeyword(.and)
        let high = try unaryExpression()
        if case .constant(let lv) = low, case .constant(let hv) = high {
            guard lv != .null, hv != .null else {
                throw SQLFilterError(position: op.position, "illegal values of BETWEEN: the bounds cannot be NULL")
            }
            guard let order = FilterValue.compare(hv, lv) else {
                throw SQLFilterError(position: op.position, "illegal values of BETWEEN: the bounds cannot be compared")
            }
            guard order >= 0 else {
                throw SQLFilterError(
                    position: op.position, "illegal values of BETWEEN: the low bound must not be above the high bound")
            }
        }
        if negated {
            return .or([try Self.ordering(.less, value, low, at: op), try Self.ordering(.greater, value, high, at: op)])
        }
        return .and([
            try Self.ordering(.greaterOrEqual, value, low, at: op),
            try Self.ordering(.lessOrEqual, value, high, at: op),
        ])
    }

    private mutating func inList(
        _ value: FilterNode, negated: Bool, at op: SQLToken
    ) throws(SQLFilterError) -> FilterNode {
        guard case .property(let name) = value else {
            throw SQLFilterError(position: op.position, "IN needs a property on its left")
        }
        try expectSymbol("(")
        var values: Set<String> = []
        repeat {
            guard case .string(let text) = current.kind else {
                throw SQLFilterError(
                    position: current.position, "expected a string literal in IN (...) but found \(current.quoted)")
            }
            _ = advance()
            values.insert(text)
            if isSymbol(",") {
                _ = advance()
                continue
            }
            break
        } while true
        try expectSymbol(")")
        return .inList(name, values, negated: negated)
    }

    private mutating func unaryExpression() throws(SQLFilterError) -> FilterNode {
        let token = current
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else {
            throw SQLFilterError(position: token.position, "the expression nests deeper than \(Self.maxDepth) levels")
        }
        switch token.kind {
        case .symbol("+"):
            _ = advance()
            return try unaryExpression()
        case .symbol("-"):
            _ = advance()
            let operand = try unaryExpression()
            switch operand {
            case .constant(.long(let v)): return .constant(.long(0 &- v))
            case .constant(.double(let v)): return .constant(.double(-v))
            default: return .negate(operand)
            }
        case .keyword(.not):
            _ = advance()
            let operandToken = current
            return .not(try Self.asBoolean(try unaryExpression(), at: operandToken))
        default:
            return try primaryExpression()
        }
    }

    private mutating func primaryExpression() throws(SQLFilterError) -> FilterNode {
        let token = advance()
        switch token.kind {
        case .string(let value): return .constant(.string(value))
        case .long(let value): return .constant(.long(value))
        case .double(let value): return .constant(.double(value))
        case .keyword(.true): return .constant(.bool(true))
        case .keyword(.false): return .constant(.bool(false))
        case .keyword(.null): return .constant(.null)
        case .identifier(let name): return .property(name)
        case .symbol("("):
            let inner = try orExpression()
            try expectSymbol(")")
            return inner
        default:
            throw SQLFilterError(
                position: token.position, "expected a value, property or '(' but found \(token.quoted)")
        }
    }

    // MARK: upstream's compile-time checks

    /// `asBooleanExpression`: a property becomes a boolean cast; other non-booleans are an error.
    static func asBoolean(_ node: FilterNode, at token: SQLToken) throws(SQLFilterError) -> FilterNode {
        if node.isBoolean { return node }
        if case .property = node { return .booleanCast(node) }
        throw SQLFilterError(position: token.position, "expression starting with \(token.quoted) is not a condition")
    }

    /// `checkLessThanOperand`: only numbers and non-boolean expressions can be ordered.
    static func ordering(
        _ comparison: FilterNode.Comparison, _ left: FilterNode, _ right: FilterNode, at op: SQLToken
    ) throws(SQLFilterError) -> FilterNode {
        for operand in [left, right] {
            if case .constant(let value) = operand {
                guard value.isNumber else {
                    throw SQLFilterError(position: op.position, "only numbers can be compared with \(op.quoted)")
                }
            } else if operand.isBoolean {
                throw SQLFilterError(position: op.position, "a condition cannot be compared with \(op.quoted)")
            }
        }
        return .compare(comparison, left, right)
    }

    /// `checkEqualOperand` and `checkEqualOperandCompatability`.
    static func equal(_ left: FilterNode, _ right: FilterNode, at op: SQLToken) throws(SQLFilterError) -> FilterNode {
        if case .constant(.null) = left {
            throw SQLFilterError(position: op.position, "NULL cannot be compared with \(op.quoted), use IS NULL")
        }
        if case .constant(.null) = right {
            throw SQLFilterError(position: op.position, "NULL cannot be compared with \(op.quoted), use IS NULL")
        }
        if left.isConstant, right.isConstant, left.isBoolean, !right.isBoolean {
            throw SQLFilterError(position: op.position, "a boolean cannot be compared with a non-boolean")
        }
        return .compare(.equal, left, right)
    }
}
