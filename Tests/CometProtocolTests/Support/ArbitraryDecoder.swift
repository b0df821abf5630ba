import CometProtocol

/// Values drawn by a property test: the arbitrary instances of a `Decodable` type are built from them.
struct ValuePool: Sendable, CustomStringConvertible {
    var strings: [String]
    var integers: [Int64]
    var flags: [Bool]

    var description: String { "strings: \(strings.map(\.debugDescription)), integers: \(integers), flags: \(flags)" }
}

/// A `Decoder` that answers every request with the next value of a ``ValuePool``: decoding any
/// `Decodable` type from it yields an arbitrary instance, with no generator written per type.
/// Optionals are absent when the next flag is false; lists and maps get up to three elements.
final class ArbitraryDecoder: Decoder {
    private let pool: ValuePool
    private var stringIndex = 0
    private var integerIndex = 0
    private var flagIndex = 0

    init(_ pool: ValuePool) { self.pool = pool }

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func nextString() -> String {
        defer { stringIndex += 1 }
        return pool.strings.isEmpty ? "s" : pool.strings[stringIndex % pool.strings.count]
    }

    func nextInteger<I: FixedWidthInteger>() -> I {
        defer { integerIndex += 1 }
        return pool.integers.isEmpty ? 0 : I(truncatingIfNeeded: pool.integers[integerIndex % pool.integers.count])
    }

    func nextFlag() -> Bool {
        defer { flagIndex += 1 }
        return pool.flags.isEmpty ? true : pool.flags[flagIndex % pool.flags.count]
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(decoder: self))
    }
    func unkeyedContainer() -> any UnkeyedDecodingContainer { Unkeyed(decoder: self, count: nextInteger() & 3) }
    func singleValueContainer() -> any SingleValueDecodingContainer { Single(decoder: self) }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: ArbitraryDecoder
        var codingPath: [any CodingKey] { [] }
        /// For maps keyed by strings: up to three arbitrary keys.
        var allKeys: [Key] {
            (0..<(decoder.nextInteger() & 3)).compactMap { _ in Key(stringValue: decoder.nextString()) }
        }
        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) -> Bool { !decoder.nextFlag() }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder.decodeValue(T.self) }
        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        )
            -> KeyedDecodingContainer<NestedKey>
        { decoder.container(keyedBy: type) }
        func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedDecodingContainer { decoder.unkeyedContainer() }
        func superDecoder() -> any Decoder { decoder }
        func superDecoder(forKey key: Key) -> any Decoder { decoder }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let decoder: ArbitraryDecoder
        let count: Int?
        var currentIndex = 0
        var codingPath: [any CodingKey] { [] }
        var isAtEnd: Bool { currentIndex >= count! }

        init(decoder: ArbitraryDecoder, count: Int) {
            self.decoder = decoder
            self.count = count
        }

        mutating func decodeNil() -> Bool { false }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            currentIndex += 1
            return try decoder.decodeValue(T.self)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        )
            -> KeyedDecodingContainer<NestedKey>
        {
            currentIndex += 1
            return decoder.container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedDecodingContainer {
            currentIndex += 1
            return decoder.unkeyedContainer()
        }
        mutating func superDecoder() -> any Decoder { decoder }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: ArbitraryDecoder
        var codingPath: [any CodingKey] { [] }
        func decodeNil() -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self) }
    }

    /// Primitives come from the pool; anything else decodes itself from this decoder.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type: return nextString() as! T
        case is Bool.Type: return nextFlag() as! T
        case is Int.Type: return (nextInteger() as Int) as! T
        case is Int8.Type: return (nextInteger() as Int8) as! T
        case is Int16.Type: return (nextInteger() as Int16) as! T
        case is Int32.Type: return (nextInteger() as Int32) as! T
        case is Int64.Type: return (nextInteger() as Int64) as! T
        case is UInt8.Type: return (nextInteger() as UInt8) as! T
        case is UInt16.Type: return (nextInteger() as UInt16) as! T
        case is UInt32.Type: return (nextInteger() as UInt32) as! T
        case is UInt64.Type: return (nextInteger() as UInt64) as! T
        case is Double.Type: return Double(nextInteger() as Int32) as! T
        default:
            // Like the wire decoder: a body normalizes itself after decoding.
            let value = try T(from: self)
            guard var body = value as? any JSONBody else { return value }
            try body.didDecode()
            return body as! T
        }
    }

    /// An arbitrary instance of `T` built from `pool`.
    static func arbitrary<T: Decodable>(_ type: T.Type, from pool: ValuePool) throws -> T {
        try ArbitraryDecoder(pool).decodeValue(T.self)
    }
}
