import CometCore
import Testing

@testable import CometBroker

@Suite("SQL92 filter: evaluation")
struct SQLFilterEvaluationTests {
    static let message: [String: String] = [
        "a": "10", "b": "x", "c": "p", "d": "2.5", "TAGS": "TagA", "neg": "-3", "word": "hello", "big": "12345678901",
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var expression: String
        var matches: Bool
        var testDescription: String { "\(expression) → \(matches)" }
        init(_ expression: String, _ matches: Bool) {
            self.expression = expression
            self.matches = matches
        }
    }

    static let cases: [Case] = [
        // comparisons on numbers (properties are strings read as numbers)
        Case("a = 10", true), Case("a = 11", false), Case("a <> 11", true), Case("a <> 10", false),
        Case("a > 5", true), Case("a > 10", false), Case("a >= 10", true), Case("a < 11", true),
        Case("a <= 9", false), Case("a > 9.5", true), Case("d > 2.0", true), Case("d < 2.6", true),
        Case("neg < 0", true), Case("neg = -3", true), Case("big > 12345678900", true),
        Case("5 < a", true), Case("a > 1e1", false), Case("a >= 1.0E1", true), Case("a = 10L", true),
        // strings
        Case("b = 'x'", true), Case("b = 'y'", false), Case("b <> 'y'", true), Case("TAGS = 'TagA'", true),
        Case("'x' = b", true), Case("word = 'hel''lo'", false),
        // BETWEEN
        Case("a BETWEEN 1 AND 10", true), Case("a BETWEEN 11 AND 20", false), Case("a NOT BETWEEN 11 AND 20", true),
        Case("a NOT BETWEEN 1 AND 10", false), Case("d between 2.0 and 3.0", true),
        // IN
        Case("c IN ('p', 'q')", true), Case("c IN ('q')", false), Case("c NOT IN ('q', 'r')", true),
        Case("c NOT IN ('p')", false),
        // IS NULL
        Case("missing IS NULL", true), Case("a IS NULL", false), Case("a IS NOT NULL", true),
        Case("missing IS NOT NULL", false),
        // logic, precedence, parentheses
        Case("a > 5 AND b = 'x'", true), Case("a > 50 AND b = 'x'", false), Case("a > 50 OR b = 'x'", true),
        Case("a > 50 OR b = 'y'", false), Case("a > 50 AND b = 'y' OR c = 'p'", true),
        Case("a > 50 AND (b = 'y' OR c = 'p')", false), Case("c = 'p' OR a > 50 AND b = 'y'", true),
        Case("(c = 'p' OR a > 50) AND b = 'y'", false), Case("NOT (a > 50)", true), Case("NOT (a > 5)", false),
        Case("TRUE", true), Case("FALSE", false), Case("NOT FALSE", true), Case("TRUE AND a = 10", true),
        Case("a > 5 AND b = 'x' OR c IN ('p','q')", true), Case("-- comment\n a = 10", true),
        Case("/* block */ a = 10", true), Case("a=10AND b='x'", true),
        // NULL: comparisons with a missing property are unknown, never true, also under NOT
        Case("missing = 'x'", false), Case("missing <> 'x'", false), Case("missing > 1", false),
        Case("NOT (missing > 1)", false), Case("missing > 1 OR a = 10", true), Case("missing > 1 AND a = 10", false),
        Case("NOT (missing > 1 AND a = 11)", true), Case("missing IN ('a')", false),
        Case("missing NOT IN ('a')", false),
        Case("missing BETWEEN 1 AND 2", false), Case("NOT (missing BETWEEN 1 AND 2)", false),
        // a property that is not a number makes the whole expression fail (upstream throws)
        Case("word > 5", false), Case("NOT (word > 5)", false), Case("word > 5 OR a = 10", false),
        Case("a = 10 OR word > 5", true), Case("word = 5", false), Case("d = 2", false),
        // against an integer literal the property must read as a long (Long.valueOf), so 2.5 fails
        Case("d > 2", false), Case("d between 2 and 3", false),
        // a bare property is a condition that is never true
        Case("b", false), Case("missing", false),
    ]

    @Test(arguments: cases)
    func evaluates(_ c: Case) throws {
        let filter = try SQLFilter.compile(c.expression)
        #expect(filter.matches(Self.message) == c.matches)
    }

    @Test func propertyNamesAreCollected() throws {
        let filter = try SQLFilter.compile("a > 5 AND b = 'x' OR c IN ('p','q') OR d IS NULL")
        #expect(filter.propertyNames == ["a", "b", "c", "d"])
    }

    @Test func keywordsAreCaseInsensitivePropertiesAreNot() throws {
        #expect(try SQLFilter.compile("a between 1 and 10 and b is not null").matches(Self.message))
        #expect(!(try SQLFilter.compile("A = 10").matches(Self.message)))
    }

    @Test func readsPropertiesFromRecordBytes() throws {
        let properties = MessageProperties.encode(["a": "7", "b": "x", "KEYS": "k"])
        let bytes = Array(properties.utf8)
        let filter = try SQLFilter.compile("a > 5 AND b = 'x' AND z IS NULL")
        let matched = bytes.withUnsafeBytes { raw in
            filter.matches(RecordProperties(raw, wanted: filter.wantedKeys))
        }
        #expect(matched)
    }
}

@Suite("SQL92 filter: malformed expressions")
struct SQLFilterMalformedTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var expression: String
        var position: Int
        var testDescription: String { "\(expression) @\(position)" }
        init(_ expression: String, _ position: Int) {
            self.expression = expression
            self.position = position
        }
    }

    static let cases: [Case] = [
        Case("", 1), Case("a >", 4), Case("a > 5 AND", 10), Case("(a > 5", 7), Case("a > 5)", 6),
        Case("a = 'x", 5), Case("a # 5", 3), Case("a > 'x'", 3), Case("a < TRUE", 3), Case("a = NULL", 3),
        Case("a BETWEEN 5 AND 1", 3), Case("a BETWEEN 1", 12), Case("a IN (1, 2)", 7), Case("a IN ()", 7),
        Case("'x' IN ('x')", 5), Case("5", 1), Case("a > 5 AND 7", 11), Case("NOT 5", 5), Case("a = 1 b = 2", 7),
        Case("(a > 1) > 2", 9), Case("a != 1", 3), Case("a = 007", 5), Case("TRUE = 'x'", 6), Case("/* open", 1),
    ]

    @Test(arguments: cases)
    func rejected(_ c: Case) {
        do {
            _ = try SQLFilter.compile(c.expression)
            Issue.record("\(c.expression) compiled")
        } catch {
            #expect(error.code == .malformedExpression)
            let cause = error.cause as? SQLFilterError
            #expect(cause?.position == c.position, "\(error.message)")
            #expect(error.message.contains("position \(c.position)"))
        }
    }
}

@Suite("SQL92 filter: cache")
struct SQLFilterCacheTests {
    @Test func compilesOncePerSubscriptionAndCachesFailures() throws {
        let cache = SQLFilterCache(capacity: 2)
        _ = try cache.filter(group: "g", topic: "t", expression: "a > 1")
        _ = try cache.filter(group: "g", topic: "t", expression: "a > 1")
        #expect(cache.count == 1)
        #expect(throws: CometError(.malformedExpression, "")) {
            try cache.filter(group: "g", topic: "t", expression: "a >")
        }
        #expect(cache.count == 2)
        _ = try cache.filter(group: "g2", topic: "t", expression: "a > 1")
        #expect(cache.count == 1)
    }
}
