import CometCore
import CometProtocol
import NIOCore
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    @Test("Parses nested documents and keeps number text exactly")
    func parsesNested() throws {
        let value = try JSONParser.parse(#"{"a":[1,-2.5e3,true,false,null],"b":{"c":"d"},"big":9223372036854775807}"#)
        #expect(value["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(value["b"]?["c"] == .string("d"))
        #expect(value["big"]?.int64Value == Int64.max)
    }

    @Test("Accepts the C++ client's trailing newline and unquoted numeric keys")
    func lenientForms() throws {
        let value = try JSONParser.parse("{\"code\":105,\"extFields\":{\"topic\":\"T\"}}\n")
        #expect(value["code"]?.int64Value == 105)
        let addrs = try JSONParser.parse(#"{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"}}"#)
        #expect(addrs["brokerAddrs"]?["1"]?.stringValue == "127.0.0.1:10921")
    }

    @Test("Decodes escapes including surrogate pairs and control separators")
    func escapes() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/\n\t\u0001\u0002\u00e9\ud83d\ude00""#)
        #expect(value == .string("a\"b\\c/\n\t\u{1}\u{2}é😀"))
    }

    @Test(
        "Rejects malformed documents with an error",
        arguments: [
            "", "{", "{\"a\"}", "{\"a\":}", "[1,]", "\"unterminated", "tru", "{\"a\":1}x", "\"\\q\"", "-",
            "{\"a\":1,}", "\"\\u12\"",
        ])
    func rejectsMalformed(_ text: String) {
        #expect(throws: CometError.self) { try JSONParser.parse(text) }
    }

    @Test("Rejects nesting deeper than the limit")
    func depthLimit() {
        let deep =
            String(repeating: "[", count: JSONParser.maxDepth + 1)
            + String(repeating: "]", count: JSONParser.maxDepth + 1)
        #expect(throws: CometError.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect(throws: Never.self) { try JSONParser.parse(ok) }
    }

    @Test("Writer output parses back to the same value")
    func writerRoundTrip() throws {
        let value = JSONValue.object([
            "s": .string("q\"uote\\ \u{1}\u{2}\n é"), "n": .number("-12"), "a": .array([.bool(true), .null]),
            "o": .object(["k": .string("v")]),
        ])
        let buffer = JSONWriter.encode(value)
        let parsed = try buffer.withUnsafeReadableBytes { try JSONParser.parse($0) }
        #expect(parsed == value)
    }
}
