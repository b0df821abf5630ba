package import CometCore
import NIOCore

/// A strict-enough JSON parser over raw bytes, with the leniencies RocketMQ peers need:
/// surrounding whitespace (the C++ client ends its JSON with `\n`), unquoted numeric object keys
/// (fastjson's output for `Map<Long, String>` to old clients) and object keys (fastjson's output for
/// `Map<MessageQueue, …>`, kept as the key object's compact JSON text).
package struct JSONParser {
    /// Deeper nesting is rejected so hostile input cannot exhaust the stack.
    package static let maxDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0

    private init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Parses one JSON document that fills `bytes` (whitespace around it allowed).
    package static func parse(_ bytes: UnsafeRawBufferPointer) throws(CometError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("trailing characters after JSON value") }
        return value
    }

    /// Parses a JSON document from a byte array.
    package static func parse(_ bytes: [UInt8]) throws(CometError) -> JSONValue {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(CometError) in try parse(raw) } }
        return try result.get()
    }

    /// Parses a JSON document from a string.
    package static func parse(_ text: String) throws(CometError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private func error(_ message: String) -> CometError {
        CometError(.malformedBody, "invalid JSON at byte \(index): \(message)")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(CometError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(CometError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of input") }
        for i in 0..<count where bytes[index + i] != literal.utf8Start[i] {
            throw error("invalid literal")
        }
        index += count
    }

    private mutating func enter() throws(CometError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
    }

    private mutating func parseObject() throws(CometError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        try forEachMember { key, parser throws(CometError) in members[key] = try parser.value() }
        return .object(members)
    }

    /// Reads the object at the cursor member by member without building it: `member` gets each key
    /// and must consume its value (``value()``, ``forEachMember(_:)`` or ``isAtObject``-guided reads).
    package mutating func forEachMember(
        _ member: (String, inout JSONParser) throws(CometError) -> Void
    )
        throws(CometError)
    {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw error("expected an object") }
        try enter()
        defer { depth -= 1 }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in object") }
            let key: String
            switch bytes[index] {
            case UInt8(ascii: "\""): key = try parseString()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): key = try parseNumber()
            case UInt8(ascii: "{"):
                // fastjson writes a map keyed by a bean (`Map<MessageQueue, …>`) with the bean
                // itself as the key; it becomes the bean's compact JSON text, the same string a
                // peer that quotes such keys sends.
                let object = try parseObject()
                var text = JSONWriter.encode(object)
                key = text.readString(length: text.readableBytes) ?? ""
            default: throw error("expected an object key")
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            try member(key, &self)
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            } else {
                throw error("expected ',' or '}'")
            }
        }
    }

    /// Parses the value at the cursor.
    package mutating func value() throws(CometError) -> JSONValue { try parseValue() }

    /// Whether the value at the cursor is an object.
    package var isAtObject: Bool { index < bytes.count && bytes[index] == UInt8(ascii: "{") }

    /// Runs `body` with a parser over `bytes` (whitespace around the one value allowed); `body` must
    /// consume exactly one value.
    package static func withParser<T>(
        _ bytes: UnsafeRawBufferPointer, _ body: (inout JSONParser) throws(CometError) -> T
    ) throws(CometError) -> T {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let result = try body(&parser)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("trailing characters after JSON value") }
        return result
    }

    private mutating func parseArray() throws(CometError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            } else {
                throw error("expected ',' or ']'")
            }
        }
    }

    private mutating func parseNumber() throws(CometError) -> String {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        var digits = 0
        while index < bytes.count {
            let b = bytes[index]
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                digits += 1
            } else if b != UInt8(ascii: ".") && b != UInt8(ascii: "e") && b != UInt8(ascii: "E")
                && b != UInt8(ascii: "+") && b != UInt8(ascii: "-")
            {
                break
            }
            index += 1
        }
        guard digits > 0 else { throw error("invalid number") }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func parseString() throws(CometError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes, the bytes are the string.
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            index += 1
        }
        var scalars = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let b = bytes[index]
            index += 1
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { break }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(e)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800...0xDBFF).contains(code), index + 6 <= bytes.count,
                        bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        let low = try parseHex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                    }
                    // Straight into the bytes: property strings carry \u0001/\u0002 separators.
                    UTF8.encode(Unicode.Scalar(code) ?? "\u{FFFD}") { scalars.append($0) }
                default: throw error("invalid escape")
                }
            default:
                scalars.append(b)
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseHex4() throws(CometError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            index += 1
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
