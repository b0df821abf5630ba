/// An `Encoder` that builds a ``JSONValue`` from an `Encodable` (``JSONBody`` types); ``JSONWriter``
/// then writes it with sorted keys, as today's bodies are compared byte for byte by tests and peers.
///
/// Absent optionals are left out (as fastjson does for `null` fields); maps keyed by integers are
/// objects keyed by the numbers' text (``JSONIntegerKeyedMap``).
package final class JSONValueEncoder: Encoder {
    /// What was encoded so far; containers write into it.
    fileprivate var node: Node = .empty

    init() {}

    /// The JSON value of `value`.
    package static func encode<T: Encodable>(_ value: T) -> JSONValue {
        do {
            return try JSONValueEncoder().encodeValue(value)
        } catch {
            // Only a type encoding itself twice at the top level could throw; none of Comet's does.
            assertionFailure("\(T.self) cannot be encoded as JSON: \(error)")
            return .null
        }
    }

    package var codingPath: [any CodingKey] { [] }
    package var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Encodes `value`: primitives (all integer widths, which Swift also routes to the generic
    /// container methods) as JSON scalars, integer-keyed maps as objects, anything else by its `encode(to:)`.
    func encodeValue<T: Encodable>(_ value: T) throws -> JSONValue {
        if let string = value as? String { return .string(string) }
        if let flag = value as? Bool { return .bool(flag) }
        if let integer = value as? any BinaryInteger { return .number("\(integer)") }
        if let number = value as? any BinaryFloatingPoint { return .number("\(number)") }
        if let map = value as? any JSONIntegerKeyedMap { return .object(try map.jsonMembers(encoder: self)) }
        if let raw = value as? any JSONRawValue { return raw.rawJSON }
        let encoder = JSONValueEncoder()
        try value.encode(to: encoder)
        return encoder.node.value
    }

    package func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .empty = node { node = .object(ObjectBox()) }
        guard case .object(let box) = node else { preconditionFailure("a keyed container after another kind") }
        return KeyedEncodingContainer(Keyed(box: box, encoder: self))
    }

    package func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .empty = node { node = .array(ArrayBox()) }
        guard case .array(let box) = node else { preconditionFailure("an unkeyed container after another kind") }
        return Unkeyed(box: box, encoder: self)
    }

    package func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }
}

extension JSONValueEncoder {
    fileprivate enum Node {
        case empty
        case value(JSONValue)
        case object(ObjectBox)
        case array(ArrayBox)

        var value: JSONValue {
            switch self {
            case .empty: .null
            case .value(let value): value
            case .object(let box): .object(box.members.mapValues(\.value))
            case .array(let box): .array(box.elements.map(\.value))
            }
        }
    }

    fileprivate final class ObjectBox { var members: [String: Node] = [:] }
    fileprivate final class ArrayBox { var elements: [Node] = [] }

    private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: ObjectBox
        let encoder: JSONValueEncoder
        var codingPath: [any CodingKey] { [] }

        private func put(_ key: Key, _ value: JSONValue) { box.members[key.stringValue] = .value(value) }

        mutating func encodeNil(forKey key: Key) { put(key, .null) }
        mutating func encode(_ value: String, forKey key: Key) { put(key, .string(value)) }
        mutating func encode(_ value: Bool, forKey key: Key) { put(key, .bool(value)) }
        mutating func encode(_ value: Double, forKey key: Key) { put(key, .number(String(value))) }
        mutating func encode(_ value: Int, forKey key: Key) { put(key, .int(value)) }
        mutating func encode(_ value: Int32, forKey key: Key) { put(key, .int(value)) }
        mutating func encode(_ value: Int64, forKey key: Key) { put(key, .int(value)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            put(key, try encoder.encodeValue(value))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        )
            -> KeyedEncodingContainer<NestedKey>
        {
            let nested = JSONValueEncoder()
            box.members[key.stringValue] = .object(ObjectBox())
            nested.node = box.members[key.stringValue]!
            return nested.container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = JSONValueEncoder()
            box.members[key.stringValue] = .array(ArrayBox())
            nested.node = box.members[key.stringValue]!
            return nested.unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { encoder }
        mutating func superEncoder(forKey key: Key) -> any Encoder { encoder }
    }

    private struct Unkeyed: UnkeyedEncodingContainer {
        let box: ArrayBox
        let encoder: JSONValueEncoder
        var codingPath: [any CodingKey] { [] }
        var count: Int { box.elements.count }

        private func append(_ value: JSONValue) { box.elements.append(.value(value)) }

        mutating func encodeNil() { append(.null) }
        mutating func encode(_ value: String) { append(.string(value)) }
        mutating func encode(_ value: Bool) { append(.bool(value)) }
        mutating func encode(_ value: Int32) { append(.int(value)) }
        mutating func encode(_ value: Int64) { append(.int(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { append(try encoder.encodeValue(value)) }
        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        )
            -> KeyedEncodingContainer<NestedKey>
        {
            let nested = JSONValueEncoder()
            nested.node = .object(ObjectBox())
            box.elements.append(nested.node)
            return nested.container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = JSONValueEncoder()
            nested.node = .array(ArrayBox())
            box.elements.append(nested.node)
            return nested.unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { encoder }
    }

    private struct Single: SingleValueEncodingContainer {
        let encoder: JSONValueEncoder
        var codingPath: [any CodingKey] { [] }

        private func set(_ value: JSONValue) { encoder.node = .value(value) }

        mutating func encodeNil() { set(.null) }
        mutating func encode(_ value: String) { set(.string(value)) }
        mutating func encode(_ value: Bool) { set(.bool(value)) }
        mutating func encode(_ value: Double) { set(.number(String(value))) }
        mutating func encode(_ value: Int) { set(.int(value)) }
        mutating func encode(_ value: Int32) { set(.int(value)) }
        mutating func encode(_ value: Int64) { set(.int(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { set(try encoder.encodeValue(value)) }
    }
}
