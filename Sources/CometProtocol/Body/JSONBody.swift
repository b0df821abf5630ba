package import CometCore
package import NIOCore

/// A value carried as JSON: a command body (route data, heartbeats, registrations ...) or a part of one.
///
/// Declare stored properties named exactly as upstream's class fields and `Codable` conformance;
/// ``JSONValueDecoder`` decodes leniently in the ways RocketMQ peers differ (numbers as strings,
/// absent lists as empty, ``fieldDefaults`` for absent members) and ``JSONValueEncoder`` encodes as
/// Java 4.9.8 does with standard JSON (sorted keys, absent optionals left out).
package protocol JSONBody: Codable, Sendable {
    /// Values for members that may be absent although their property is not optional.
    static var fieldDefaults: [String: JSONValue] { get }
    /// Older spellings of member names (`name` → `old name`), read when `name` is absent.
    static var fieldAliases: [String: String] { get }
    /// Checks or normalizes the decoded value; the default does nothing.
    mutating func didDecode() throws(CometError)
}

extension JSONBody {
    package static var fieldDefaults: [String: JSONValue] { [:] }
    package static var fieldAliases: [String: String] { [:] }
    package mutating func didDecode() throws(CometError) {}

    /// Decodes the value from parsed JSON.
    package init(json: JSONValue) throws(CometError) {
        self = try JSONValueDecoder.decode(Self.self, from: json)
    }

    /// The value as JSON.
    package var json: JSONValue { JSONValueEncoder.encode(self) }

    /// Decodes a body; a missing body is an error naming the type.
    package init(body: ByteBuffer?) throws(CometError) {
        guard let body, body.readableBytes > 0 else {
            throw CometError(.malformedBody, "missing \(Self.self) body")
        }
        let json = try body.withUnsafeReadableBytes { raw throws(CometError) in try JSONParser.parse(raw) }
        try self.init(json: json)
    }

    /// The JSON text of this body in a new buffer.
    package func encoded(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        JSONWriter.encode(json, allocator: allocator)
    }
}

/// An enum carried as its Java name, or (C++ clients) as its ordinal; unknown or absent values read
/// as ``fallback``.
package protocol JSONEnum: Codable, RawRepresentable<String>, CaseIterable {
    /// The value for unknown and absent names.
    static var fallback: Self { get }
}

extension JSONEnum {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = container.decodeNil() ? "" : try container.decode(String.self)
        if let value = Self(rawValue: name) {
            self = value
        } else if let ordinal = Int(name), ordinal >= 0, ordinal < Self.allCases.count {
            self = Self.allCases[Self.allCases.index(Self.allCases.startIndex, offsetBy: ordinal)]
        } else {
            self = Self.fallback
        }
    }
}

/// Typed member access used by body decoders, with errors that name the member.
package struct JSONObjectReader {
    package let members: [String: JSONValue]
    package let context: String

    package init(_ value: JSONValue, _ context: String) throws(CometError) {
        guard case .object(let members) = value else {
            throw CometError(.malformedBody, "\(context) is not a JSON object")
        }
        self.members = members
        self.context = context
    }

    package func string(_ key: String) throws(CometError) -> String {
        guard let value = members[key]?.stringValue else {
            throw CometError(.malformedBody, "\(context).\(key) is missing or not a string")
        }
        return value
    }

    package func optionalString(_ key: String) -> String? { members[key]?.stringValue }

    package func int64(_ key: String, default defaultValue: Int64? = nil) throws(CometError) -> Int64 {
        if let value = members[key]?.int64Value { return value }
        if let defaultValue, members[key] == nil || members[key] == .null { return defaultValue }
        throw CometError(.malformedBody, "\(context).\(key) is missing or not an integer")
    }

    package func int32(_ key: String, default defaultValue: Int32? = nil) throws(CometError) -> Int32 {
        let value = try int64(key, default: defaultValue.map(Int64.init))
        guard let narrow = Int32(exactly: value) else {
            throw CometError(.malformedBody, "\(context).\(key) is out of range")
        }
        return narrow
    }

    package func bool(_ key: String, default defaultValue: Bool) -> Bool { members[key]?.boolValue ?? defaultValue }

    package func array(_ key: String) -> [JSONValue] { members[key]?.arrayValue ?? [] }

    package func object(_ key: String) -> [String: JSONValue] { members[key]?.objectValue ?? [:] }
}
