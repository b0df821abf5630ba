import CometCore
import Testing

@testable import CometBroker

@Suite("SQL92 filter: bounds on client-supplied expressions")
struct SQLFilterLimitsTests {
    @Test(
        "Deep nesting and huge expressions are refused with a parse error, not a stack overflow",
        arguments: [
            String(repeating: "(", count: 12812) + "a = 1" + String(repeating: ")", count: 12812),
            String(repeating: "NOT ", count: 76093) + "a",
            "a = " + String(repeating: "- ", count: 76093) + "1",
            String(repeating: "a = 1 AND ", count: 87343) + "a = 1",
        ])
    func refused(expression: String) {
        #expect(throws: CometError(.malformedExpression, "")) { try SQLFilter.compile(expression) }
        do {
            _ = try SQLFilter.compile(expression)
        } catch {
            #expect(error.responseCode == .subscriptionParseFailed)
            #expect(error.message.utf8.count < 1000, "the remark quotes only the start of the expression")
        }
    }

    @Test("Nesting at the limit compiles; one level more does not")
    func depthLimit() throws {
        let depth = SQLParser.maxDepth
        let ok = String(repeating: "(", count: depth - 1) + "a = 1" + String(repeating: ")", count: depth - 1)
        #expect(try SQLFilter.compile(ok).matches(["a": "1"]))
        let deep = String(repeating: "(", count: depth + 1) + "a = 1" + String(repeating: ")", count: depth + 1)
        #expect(throws: CometError(.malformedExpression, "")) { try SQLFilter.compile(deep) }
    }

    @Test("A long AND/OR chain is one flat node and evaluates like the left-deep tree")
    func flatChains() throws {
        let terms = (0..<900).map { "p\($0 % 7) = '\($0 % 7)'" }
        let chain = try SQLFilter.compile(terms.joined(separator: " AND "))
        guard case .and(let parts) = chain.root else {
            Issue.record("expected a flat AND")
            return
        }
        #expect(parts.count == 900)
        let all = Dictionary(uniqueKeysWithValues: (0..<7).map { ("p\($0)", "\($0)") })
        #expect(chain.matches(all))
        var missing = all
        missing["p3"] = nil
        #expect(!chain.matches(missing), "NULL AND TRUE is unknown: no match")
        #expect(chain.propertyNames == Set((0..<7).map { "p\($0)" }))

        let anyOf = try SQLFilter.compile((0..<900).map { "q = '\($0)'" }.joined(separator: " OR "))
        #expect(anyOf.matches(["q": "899"]))
        #expect(!anyOf.matches(["q": "900"]))
        #expect(!anyOf.matches([:]))
        // Three-valued logic is unchanged: unknown OR TRUE is TRUE, unknown AND FALSE is FALSE.
        #expect(try SQLFilter.compile("missing = 1 OR a = 1").matches(["a": "1"]))
        #expect(!(try SQLFilter.compile("missing = 1 AND a = 1").matches(["a": "1"])))
        #expect(try SQLFilter.compile("a BETWEEN 1 AND 3 AND b = 2").matches(["a": "2", "b": "2"]))
        #expect(!(try SQLFilter.compile("a NOT BETWEEN 1 AND 3 OR b = 2").matches(["a": "2", "b": "3"])))
    }
}
