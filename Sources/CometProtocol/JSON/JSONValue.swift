/// A parsed JSON document, tolerant of the dialects RocketMQ peers emit.
///
/// Numbers keep their source text so that 64-bit offsets survive exactly and so that a number can be
/// read as the string a Java peer would have sent (the C++ client writes some header fields as JSON
/// numbers where Java writes strings).
package enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number, as its literal text.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
    /// A map whose keys are not strings, written as fastjson writes `Map<MessageQueue, …>` or
    /// `Map<Integer, …>`: each key bare (`{0:5}`, `{{"brokerName":"b",…}:{…}}`), which is not
    /// standard JSON but what Java RocketMQ tools parse. Parsing yields `.object` with each key as
    /// its text.
    case keyedObject([JSONMapEntry])

    /// The value as text: strings as-is, numbers and booleans as their literal; `nil` otherwise.
    package var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    /// The value as an integer, accepting numbers and numeric strings.
    package var int64Value: Int64? {
        switch self {
        case .number(let n), .string(let n): return Int64(n) ?? Double(n).flatMap { Int64(exactly: $0) }
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// The value as a boolean, accepting `true`/`false`, numbers and their string forms.
    package var boolValue: Bool? {
        switch self {
        case .bool(let b): return b
        case .number(let n), .string(let n):
            switch n.lowercased() {
            case "true": return true
            case "false": return false
            default: return Int64(n).map { $0 != 0 }
            }
        default: return nil
        }
    }

    /// Members of an object, or `nil` for other kinds.
    package var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// Elements of an array, or `nil` for other kinds.
    package var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// Member lookup on objects; `nil` for missing members and other kinds.
    package subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// A JSON number for an integer.
    package static func int<I: BinaryInteger>(_ value: I) -> JSONValue { .number(String(value)) }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int64) { self = .number(String(value)) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
}

/// One entry of a ``JSONValue/keyedObject(_:)``.
package struct JSONMapEntry: Sendable, Hashable {
    package var key: JSONValue
    package var value: JSONValue

    package init(_ key: JSONValue, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}
