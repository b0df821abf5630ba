/// A command's custom header fields (`extFields`): string keys and values in wire order.
///
/// A request carries about a dozen fields, so a small array searched linearly beats a dictionary
/// (no hashing, one allocation); the header codecs decode straight into it and typed headers
/// (``CommandHeader``) are read from and written to it. Setting a key that is present replaces
/// its value; equality ignores order, as it would for Java's `HashMap`.
package struct ExtFields: Sendable, Hashable, ExpressibleByDictionaryLiteral, RandomAccessCollection {
    /// One field.
    package typealias Element = (key: String, value: String)

    private var pairs: [Element]

    /// No fields.
    package init() { pairs = [] }

    /// No fields, with room for `capacity` without reallocating.
    package init(minimumCapacity capacity: Int) {
        pairs = []
        pairs.reserveCapacity(capacity)
    }

    package init(dictionaryLiteral elements: (String, String)...) {
        pairs = []
        pairs.reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    /// The fields of a dictionary, sorted by key (deterministic output).
    package init(_ dictionary: [String: String]) {
        pairs = dictionary.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    package var startIndex: Int { pairs.startIndex }
    package var endIndex: Int { pairs.endIndex }
    package subscript(position: Int) -> Element { pairs[position] }

    /// The value of `key`, or `nil`; setting `nil` removes the field.
    package subscript(key: String) -> String? {
        get {
            for pair in pairs where pair.key == key { return pair.value }
            return nil
        }
        set {
            let index = pairs.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): pairs[index].value = value
            case (let index?, nil): pairs.remove(at: index)
            case (nil, let value?): pairs.append((key, value))
            case (nil, nil): break
            }
        }
    }

    /// Adds a field without looking for an existing one (decoders: a repeated key keeps its first value
    /// for lookups, as the last one would win in a map; either is the sender's bug).
    package mutating func append(_ key: String, _ value: String) { pairs.append((key, value)) }

    /// Renames keys by `table` (`from` → `to`); keys not in the table stay.
    package mutating func renameKeys(_ table: [(from: String, to: String)]) {
        for index in pairs.indices {
            if let entry = table.first(where: { $0.from == pairs[index].key }) { pairs[index].key = entry.to }
        }
    }

    /// The fields as a dictionary (later duplicates win).
    package var dictionary: [String: String] {
        Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Same fields in any order. A repeated key (decoders keep them, see ``append(_:_:)``) counts
    /// once per occurrence, so equality stays reflexive for any decoded header.
    package static func == (a: ExtFields, b: ExtFields) -> Bool {
        guard a.count == b.count else { return false }
        let same: (Element, Element) -> Bool = { $0.key == $1.key && $0.value == $1.value }
        if a.pairs.elementsEqual(b.pairs, by: same) { return true }
        func sorted(_ pairs: [Element]) -> [Element] { pairs.sorted { ($0.key, $0.value) < ($1.key, $1.value) } }
        return sorted(a.pairs).elementsEqual(sorted(b.pairs), by: same)
    }

    package func hash(into hasher: inout Hasher) {
        // Order-independent, like `==`.
        var combined = 0
        for pair in pairs {
            var h = Hasher()
            h.combine(pair.key)
            h.combine(pair.value)
            combined ^= h.finalize()
        }
        hasher.combine(count)
        hasher.combine(combined)
    }
}

extension ExtFields: CustomStringConvertible {
    /// `{key=value, ...}` sorted by key (logs).
    package var description: String {
        "{" + pairs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "}"
    }
}
