package import CometCore
package import NIOCore

/// A command body carried as JSON (route data, heartbeats, registrations ...).
///
/// Decoding is lenient in the ways RocketMQ peers differ (numbers as strings, enums as names or
/// ordinals); encoding follows what Java 4.9.8 emits with standard JSON.
package protocol JSONBody: Sendable {
    init(json: JSONValue) throws(CometError)
    var json: JSONValue { get }
}

extension JSONBody {
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
