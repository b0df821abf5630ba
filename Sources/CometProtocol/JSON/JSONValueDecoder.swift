package import CometCore

/// A lenient `Decoder` over a parsed ``JSONValue``, for ``JSONBody`` types.
///
/// Lenient the ways RocketMQ peers differ: strings, numbers and booleans convert into each other
/// (`"3"` is an integer, `1` a boolean, `12` a string); `null` counts as absent; an absent list or map
/// is empty and an absent object is read as `{}` (so its own defaults apply); a ``JSONBody``'s
/// ``JSONBody/fieldDefaults`` fill absent members and ``JSONBody/fieldAliases`` name older spellings.
/// Errors are `.malformedBody` naming the member's path.
package struct JSONValueDecoder: Decoder {
    /// The value, or `nil` when the member is absent.
    let value: JSONValue?
    let path: String
    let defaults: [String: JSONValue]
    let aliases: [String: String]

    init(_ value: JSONValue?, path: String, for type: Any.Type) {
        self.value = value
        self.path = path
        let body = type as? any JSONBody.Type
        defaults = body?.fieldDefaults ?? [:]
        aliases = body?.fieldAliases ?? [:]
    }

    /// Decodes `T` from `value`.
    package static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(CometError) -> T {
        do {
            return try JSONValueDecoder(value, path: "\(T.self)", for: T.self).decodeValue(T.self)
        } catch let error as CometError {
            throw error
        } catch {
            throw CometError(.malformedBody, "\(T.self): \(error)", cause: error)
        }
    }

    package var codingPath: [any CodingKey] { [] }
    package var userInfo: [CodingUserInfoKey: Any] { [:] }

    package func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch value {
        case .object(let members): return KeyedDecodingContainer(Keyed(members: members, decoder: self))
        case nil, .null: return KeyedDecodingContainer(Keyed(members: [:], decoder: self))
        default: throw CometError(.malformedBody, "\(path) is not a JSON object")
        }
    }

    package func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .array(let elements): return Unkeyed(elements: elements, decoder: self)
        case nil, .null: return Unkeyed(elements: [], decoder: self)
        default: throw CometError(.malformedBody, "\(path) is not a JSON array")
        }
    }

    package func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

    func child(_ value: JSONValue?, _ name: String, _ type: Any.Type) -> JSONValueDecoder {
        JSONValueDecoder(value, path: path + "." + name, for: type)
    }

    /// Decodes `T`: primitives (all integer widths, which Swift also routes to the generic container
    /// methods) from the value, integer-keyed maps from an object, anything else by its `init(from:)`.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == String.self { return try string() as! T }
        if let integerType = T.self as? any FixedWidthInteger.Type { return try integer(integerType) as! T }
        if T.self == Bool.self { return try bool() as! T }
        if T.self == Double.self { return try double() as! T }
        if T.self == Float.self { return Float(try double()) as! T }
        if let map = T.self as? any JSONIntegerKeyedMap.Type {
            guard case .object(let members)? = value else {
                if value == nil || value == .null { return map.empty as! T }
                throw CometError(.malformedBody, "\(path) is not a JSON object")
            }
            return try map.init(members: members, decoder: self) as! T
        }
        if let raw = T.self as? any JSONRawValue.Type { return try raw.init(rawJSON: value, path: path) as! T }
        let decoded = try T(from: self)
        guard var body = decoded as? any JSONBody else { return decoded }
        try body.didDecode()
        return body as! T
    }

    // MARK: - scalars

    func string() throws(CometError) -> String {
        guard let text = value?.stringValue else { throw mismatch("a string") }
        return text
    }

    func bool() throws(CometError) -> Bool {
        guard let flag = value?.boolValue else { throw mismatch("a boolean") }
        return flag
    }

    func integer<I: FixedWidthInteger>(_ type: I.Type = I.self) throws(CometError) -> I {
        if let text = value?.stringValue, let exact = I(text) { return exact }
        guard let wide = value?.int64Value else { throw mismatch("an integer") }
        guard let narrow = I(exactly: wide) else { throw CometError(.malformedBody, "\(path) is out of range") }
        return narrow
    }

    func double() throws(CometError) -> Double {
        guard let text = value?.stringValue, let number = Double(text) else { throw mismatch("a number") }
        return number
    }

    private func mismatch(_ expected: String) -> CometError {
        CometError(.malformedBody, "\(path) is \(value == nil ? "missing" : "not \(expected)")")
    }
}

extension JSONValueDecoder {
    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [String: JSONValue]
        let decoder: JSONValueDecoder

        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

        private func member(_ key: Key) -> JSONValue? {
            let name = key.stringValue
            if let value = members[name], value != .null { return value }
            if let alias = decoder.aliases[name], let value = members[alias], value != .null { return value }
            return decoder.defaults[name]
        }

        private func child<T>(_ key: Key, _ type: T.Type) -> JSONValueDecoder {
            decoder.child(member(key), key.stringValue, type)
        }

        func contains(_ key: Key) -> Bool { member(key) != nil }
        func decodeNil(forKey key: Key) -> Bool { member(key) == nil }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key, type).string() }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key, type).bool() }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key, type).double() }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key, type).integer() }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key, type).integer() }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key, type).integer() }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try child(key, type).decodeValue(type)
        }
        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws
            -> KeyedDecodingContainer<NestedKey>
        { try child(key, type).container(keyedBy: type) }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try child(key, [JSONValue].self).unkeyedContainer()
        }
        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { child(key, JSONValue.self) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let elements: [JSONValue]
        let decoder: JSONValueDecoder
        var currentIndex = 0

        var codingPath: [any CodingKey] { [] }
        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        private mutating func next<T>(_ type: T.Type) throws(CometError) -> JSONValueDecoder {
            guard !isAtEnd else { throw CometError(.malformedBody, "\(decoder.path) has too few elements") }
            defer { currentIndex += 1 }
            return decoder.child(elements[currentIndex], String(currentIndex), type)
        }

        mutating func decodeNil() -> Bool {
            guard !isAtEnd, elements[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }
        mutating func decode(_ type: String.Type) throws -> String { try next(type).string() }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type).bool() }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type).integer() }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type).integer() }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type).decodeValue(type) }
        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        ) throws
            -> KeyedDecodingContainer<NestedKey>
        { try next(type).container(keyedBy: type) }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try next([JSONValue].self).unkeyedContainer()
        }
        mutating func superDecoder() throws -> any Decoder { try next(JSONValue.self) }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: JSONValueDecoder
        var codingPath: [any CodingKey] { [] }

        func decodeNil() -> Bool { decoder.value == nil || decoder.value == .null }
        func decode(_ type: String.Type) throws -> String { try decoder.string() }
        func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool() }
        func decode(_ type: Double.Type) throws -> Double { try decoder.double() }
        func decode(_ type: Int.Type) throws -> Int { try decoder.integer() }
        func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer() }
        func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer() }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
    }
}

/// Maps keyed by integers (`Map<Long, String>` in Java): a JSON object whose keys are the numbers'
/// text. Swift's own `Codable` would write them as a `[key, value, …]` list.
protocol JSONIntegerKeyedMap {
    static var empty: Self { get }
    init(members: [String: JSONValue], decoder: JSONValueDecoder) throws
    func jsonMembers(encoder: JSONValueEncoder) throws -> [String: JSONValue]
}

extension Dictionary: JSONIntegerKeyedMap where Key: FixedWidthInteger, Value: Codable {
    static var empty: Self { [:] }

    init(members: [String: JSONValue], decoder: JSONValueDecoder) throws {
        self.init(minimumCapacity: members.count)
        for (name, value) in members {
            guard let key = Key(name) else {
                throw CometError(.malformedBody, "\(decoder.path) has a non-integer key '\(name)'")
            }
            self[key] = try decoder.child(value, name, Value.self).decodeValue(Value.self)
        }
    }

    func jsonMembers(encoder: JSONValueEncoder) throws -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        for (key, value) in self { members[String(key)] = try encoder.encodeValue(value) }
        return members
    }
}
