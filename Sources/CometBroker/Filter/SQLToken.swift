import CometCore

/// One token of a SQL92 filter expression, with its 1-based character position for error remarks.
struct SQLToken: Sendable, Equatable {
    /// What the token is.
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case keyword(SQLKeyword)
        case long(Int64)
        case double(Double)
        case string(String)
        case symbol(String)
        case end
    }

    var kind: Kind
    /// 1-based position of the token's first character in the expression.
    var position: Int

    /// The token as a remark quotes it.
    var quoted: String {
        switch kind {
        case .identifier(let name): return "'\(name)'"
        case .keyword(let keyword): return "'\(keyword.rawValue)'"
        case .long(let value): return "'\(value)'"
        case .double(let value): return "'\(value)'"
        case .string(let value): return "'\(value)'"
        case .symbol(let symbol): return "'\(symbol)'"
        case .end: return "the end of the expression"
        }
    }
}

/// Reserved words of RocketMQ's selector grammar (matched case-insensitively).
enum SQLKeyword: String, Sendable, CaseIterable {
    case not = "NOT"
    case and = "AND"
    case or = "OR"
    case between = "BETWEEN"
    case `in` = "IN"
    case `true` = "TRUE"
    case `false` = "FALSE"
    case null = "NULL"
    case `is` = "IS"
}

/// Splits an expression into tokens: identifiers (`[A-Za-z_$][A-Za-z0-9_$]*`), keywords, decimal
/// and floating-point literals (an `L` suffix allowed on integers), `'…'` strings with `''` as a
/// quote, the operators `= <> < <= > >= + -`, parentheses and commas; `--` line and `/* */` block
/// comments are skipped, as in RocketMQ's `SelectorParser.jj`.
enum SQLLexer {
    static func tokenize(_ text: String) throws(SQLFilterError) -> [SQLToken] {
        let chars = Array(text.unicodeScalars)
        var tokens: [SQLToken] = []
        var i = 0
        func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || c == "$"
        }
        func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
        while i < chars.count {
            let c = chars[i]
            let start = i
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" {
                i += 1
                continue
            }
            if c == "-", i + 1 < chars.count, chars[i + 1] == "-" {
                while i < chars.count, chars[i] != "\n", chars[i] != "\r" { i += 1 }
                continue
            }
            if c == "/", i + 1 < chars.count, chars[i + 1] == "*" {
                i += 2
                while i + 1 < chars.count, !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                guard i + 1 < chars.count else { throw SQLFilterError(position: start + 1, "unterminated comment") }
                i += 2
                continue
            }
            if isIdentifierStart(c) {
                while i < chars.count, isIdentifierStart(chars[i]) || isDigit(chars[i]) { i += 1 }
                let word = String(String.UnicodeScalarView(chars[start..<i]))
                if let keyword = SQLKeyword(rawValue: word.uppercased()) {
                    tokens.append(SQLToken(kind: .keyword(keyword), position: start + 1))
                } else {
                    tokens.append(SQLToken(kind: .identifier(word), position: start + 1))
                }
                continue
            }
            if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                tokens.append(try number(chars, &i))
                continue
            }
            if c == "'" {
                var value = String.UnicodeScalarView()
                i += 1
                while true {
                    guard i < chars.count else {
                        throw SQLFilterError(position: start + 1, "unterminated string literal")
                    }
                    if chars[i] == "'" {
                        if i + 1 < chars.count, chars[i + 1] == "'" {
                            value.append("'")
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    value.append(chars[i])
                    i += 1
                }
                tokens.append(SQLToken(kind: .string(String(value)), position: start + 1))
                continue
            }
            let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
            let symbol: String
            switch c {
            case "<" where next == ">": symbol = "<>"
            case "<" where next == "=": symbol = "<="
            case ">" where next == "=": symbol = ">="
            case "=", "<", ">", "(", ")", ",", "+", "-": symbol = String(c)
            default: throw SQLFilterError(position: start + 1, "unexpected character '\(c)'")
            }
            i += symbol.unicodeScalars.count
            tokens.append(SQLToken(kind: .symbol(symbol), position: start + 1))
        }
        tokens.append(SQLToken(kind: .end, position: chars.count + 1))
        return tokens
    }

    /// `0 | [1-9][0-9]*[lL]?` as a long; `5.5`, `5.`, `.5`, `5E10` (exponents optional signed) as a double.
    private static func number(_ chars: [Unicode.Scalar], _ i: inout Int) throws(SQLFilterError) -> SQLToken {
        let start = i
        func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
        var isFloat = false
        while i < chars.count, isDigit(chars[i]) { i += 1 }
        if i < chars.count, chars[i] == "." {
            isFloat = true
            i += 1
            while i < chars.count, isDigit(chars[i]) { i += 1 }
        }
        if i < chars.count, chars[i] == "e" || chars[i] == "E" {
            var j = i + 1
            if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
            if j < chars.count, isDigit(chars[j]) {
                isFloat = true
                i = j
                while i < chars.count, isDigit(chars[i]) { i += 1 }
            }
        }
        let text = String(String.UnicodeScalarView(chars[start..<i]))
        if isFloat {
            guard let value = Double(text) else {
                throw SQLFilterError(position: start + 1, "invalid number '\(text)'")
            }
            return SQLToken(kind: .double(value), position: start + 1)
        }
        if i < chars.count, chars[i] == "l" || chars[i] == "L" { i += 1 }
        guard text == "0" || text.first != "0" else {
            throw SQLFilterError(position: start + 1, "invalid number '\(text)' (leading zero)")
        }
        if let value = Int64(text) { return SQLToken(kind: .long(value), position: start + 1) }
        // Beyond a long (upstream keeps a BigDecimal): compare as a double.
        return SQLToken(kind: .double(Double(text) ?? .infinity), position: start + 1)
    }
}
