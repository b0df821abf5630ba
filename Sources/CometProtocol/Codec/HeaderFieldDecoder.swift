import CometCore

/// A `Decoder` over flat header fields (``ExtFields``): each property of a ``CommandHeader`` is read
/// from the field of the same name, as text.
///
/// Built for the request path: the decoder and its containers are a few words (no allocation to
/// box them), a lookup is a linear scan of the fields (no hashing), and values are parsed from the
/// field's string in place.
package struct HeaderFieldDecoder: Decoder {
    let fields: ExtFields
    let defaults: [String: String]
    let wireKeys: [(from: String, to: String)]?

    /// A decoder reading the property `name` from the field `wireKeys[name]` (or `name`), falling back to
    /// `defaults[name]`.
    package init(fields: ExtFields, defaults: [String: String] = [:], wireKeys: [(from: String, to: String)]? = nil) {
        self.fields = fields
        self.defaults = defaults
        self.wireKeys = wireKeys
    }

    package var codingPath: [any CodingKey] { [] }
    package var userInfo: [CodingUserInfoKey: Any] { [:] }

    package func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedContainer<Key>(decoder: self))
    }

    package func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw CometError(.malformedHeader, "header fields are flat: a list cannot be read from them")
    }

    package func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw CometError(.malformedHeader, "header fields are keyed: a single value cannot be read from them")
    }

    /// Parses header text: integers (surrounding spaces allowed), booleans as Java and C++ send them.
    enum Text {
        static func integer<I: FixedWidthInteger>(_ text: String, _ key: String) throws(CometError) -> I {
            let digits = trimmingSpaces(text)
            if let value = I(digits) { return value }
            guard Int64(digits) != nil || UInt64(digits) != nil else {
                throw CometError(.malformedHeader, "header field '\(key)' is not an integer: '\(text)'")
            }
            throw CometError(.malformedHeader, "header field '\(key)' is out of range: \(digits)")
        }

        static func bool(_ text: String, _ key: String) throws(CometError) -> Bool {
            switch trimmingSpaces(text) {
            case "true", "1", "TRUE", "True": return true
            case "false", "0", "", "FALSE", "False": return false
            case let other:
                switch other.lowercased() {
                case "true": return true
                case "false": return false
                default: throw CometError(.malformedHeader, "header field '\(key)' is not a boolean: '\(text)'")
                }
            }
        }

        static func double(_ text: String, _ key: String) throws(CometError) -> Double {
            guard let value = Double(trimmingSpaces(text)) else {
                throw CometError(.malformedHeader, "header field '\(key)' is not a number: '\(text)'")
            }
            return value
        }

        private static func trimmingSpaces(_ text: String) -> Substring {
            var s = Substring(text)
            while s.first == " " { s.removeFirst() }
            while s.last == " " { s.removeLast() }
            return s
        }
    }
}

extension HeaderFieldDecoder {
    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: HeaderFieldDecoder

        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { decoder.fields.compactMap { Key(stringValue: $0.key) } }

        func contains(_ key: Key) -> Bool { text(key) != nil }

        private func text(_ key: Key) -> String? {
            let name = key.stringValue
            let wireName = decoder.wireKeys.flatMap { keys in keys.first { $0.from == name }?.to } ?? name
            if let value = decoder.fields[wireName] { return value }
            return decoder.defaults.isEmpty ? nil : decoder.defaults[name]
        }

        private func required(_ key: Key) throws(CometError) -> String {
            guard let value = text(key) else {
                throw CometError(.malformedHeader, "missing header field '\(key.stringValue)'")
            }
            return value
        }

        func decodeNil(forKey key: Key) -> Bool { text(key) == nil }

        func decode(_ type: String.Type, forKey key: Key) throws -> String { try required(key) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Text.bool(required(key), key.stringValue) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(key) }

        private func integer<I: FixedWidthInteger>(_ key: Key) throws(CometError) -> I {
            try Text.integer(required(key), key.stringValue)
        }

        /// Other types (also the other integer widths, which Swift routes here) decode from the text.
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let value = try required(key)
            do {
                return try FieldDecoder(text: value).decode(T.self)
            } catch {
                throw CometError(.malformedHeader, "header field '\(key.stringValue)' is invalid: '\(value)'")
            }
        }

        // One lookup for optional properties (the default `decodeIfPresent` looks up three times).
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { text(key) }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
            try text(key).map { v throws(CometError) in try Text.bool(v, key.stringValue) }
        }
        func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try optionalInteger(key) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optionalInteger(key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optionalInteger(key) }

        private func optionalInteger<I: FixedWidthInteger>(_ key: Key) throws(CometError) -> I? {
            guard let value = text(key) else { return nil }
            return try Text.integer(value, key.stringValue)
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            throw CometError(.malformedHeader, "header field '\(key.stringValue)' cannot hold an object")
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw CometError(.malformedHeader, "header field '\(key.stringValue)' cannot hold a list")
        }

        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { FieldDecoder(text: try required(key)) }
    }

    /// Decodes one field's text: for property types with a single-value `Codable` form (raw-value
    /// enums, option sets).
    struct FieldDecoder: Decoder, SingleValueDecodingContainer {
        let text: String

        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            throw CometError(.malformedHeader, "an object cannot be read from '\(text)'")
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw CometError(.malformedHeader, "a list cannot be read from '\(text)'")
        }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        func decodeNil() -> Bool { false }
        func decode(_ type: String.Type) throws -> String { text }
        func decode(_ type: Bool.Type) throws -> Bool { try Text.bool(text, "") }
        func decode(_ type: Int32.Type) throws -> Int32 { try Text.integer(text, "") }
        func decode(_ type: Int64.Type) throws -> Int64 { try Text.integer(text, "") }

        /// Primitives Swift routes here (other integer widths, floating point) parse the text; other
        /// types decode themselves from it.
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if let integer = T.self as? any FixedWidthInteger.Type { return try Self.integer(integer, text) as! T }
            if T.self == Double.self { return try Text.double(text, "") as! T }
            if T.self == Float.self { return Float(try Text.double(text, "")) as! T }
            if T.self == String.self { return text as! T }
            if T.self == Bool.self { return try Text.bool(text, "") as! T }
            return try T(from: self)
        }

        private static func integer<I: FixedWidthInteger>(_ type: I.Type, _ text: String) throws(CometError) -> I {
            try Text.integer(text, "")
        }
    }
}
