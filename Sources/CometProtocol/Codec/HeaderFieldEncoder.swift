/// An `Encoder` that flattens a ``CommandHeader`` into header fields: each non-`nil` property
/// becomes the field of the same name, as text (integers in decimal, booleans `true`/`false`).
///
/// It writes through a pointer to the caller's ``ExtFields`` (see ``CommandHeader/write(into:)``),
/// so the only allocations are the fields' own storage and Codable's container box.
package struct HeaderFieldEncoder: Encoder {
    let fields: UnsafeMutablePointer<ExtFields>

    /// An encoder appending to `fields`, which must stay valid while encoding.
    package init(fields: UnsafeMutablePointer<ExtFields>) { self.fields = fields }

    package var codingPath: [any CodingKey] { [] }
    package var userInfo: [CodingUserInfoKey: Any] { [:] }

    package func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(fields: fields))
    }

    package func unkeyedContainer() -> any UnkeyedEncodingContainer {
        preconditionFailure("header fields are flat: a header cannot encode a list")
    }

    package func singleValueContainer() -> any SingleValueEncodingContainer {
        preconditionFailure("header fields are keyed: a header cannot encode a single value")
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let fields: UnsafeMutablePointer<ExtFields>
        var codingPath: [any CodingKey] { [] }

        private func put(_ key: Key, _ text: String) { fields.pointee.append(key.stringValue, text) }

        mutating func encodeNil(forKey key: Key) {}
        mutating func encode(_ value: String, forKey key: Key) { put(key, value) }
        mutating func encode(_ value: Bool, forKey key: Key) { put(key, value ? "true" : "false") }
        mutating func encode(_ value: Int32, forKey key: Key) { put(key, String(value)) }
        mutating func encode(_ value: Int64, forKey key: Key) { put(key, String(value)) }

        /// Other types (also the other integer widths, which Swift routes here) encode as one field.
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            var field = FieldEncoder(fields: fields, key: key.stringValue)
            try field.encode(value)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        )
            -> KeyedEncodingContainer<NestedKey>
        {
            preconditionFailure("header field '\(key.stringValue)' cannot hold an object")
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            preconditionFailure("header field '\(key.stringValue)' cannot hold a list")
        }

        mutating func superEncoder() -> any Encoder { HeaderFieldEncoder(fields: fields) }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            FieldEncoder(fields: fields, key: key.stringValue)
        }
    }

    /// Encodes one field from a property type with a single-value `Codable` form (raw-value enums,
    /// option sets).
    struct FieldEncoder: Encoder, SingleValueEncodingContainer {
        let fields: UnsafeMutablePointer<ExtFields>
        let key: String

        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            preconditionFailure("header field '\(key)' cannot hold an object")
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            preconditionFailure("header field '\(key)' cannot hold a list")
        }
        func singleValueContainer() -> any SingleValueEncodingContainer { self }

        private func put(_ text: String) { fields.pointee.append(key, text) }

        mutating func encodeNil() {}
        mutating func encode(_ value: String) { put(value) }
        mutating func encode(_ value: Bool) { put(value ? "true" : "false") }
        mutating func encode(_ value: Int32) { put(String(value)) }
        mutating func encode(_ value: Int64) { put(String(value)) }

        /// Primitives Swift routes here (other integer widths, floating point) are written as text;
        /// other types encode themselves into this field.
        mutating func encode<T: Encodable>(_ value: T) throws {
            if let integer = value as? any BinaryInteger {
                put("\(integer)")
            } else if let number = value as? any BinaryFloatingPoint {
                put("\(number)")
            } else {
                try value.encode(to: self)
            }
        }
    }
}
