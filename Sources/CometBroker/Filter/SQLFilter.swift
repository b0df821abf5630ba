package import CometCore

/// A compiled SQL92 subscription expression (RocketMQ `MessageSelector.bySql`): parsed once,
/// then evaluated per message against its properties.
///
/// Properties are strings; an ordering comparison reads the property as a number, and a value that
/// does not parse makes the whole expression not match (upstream's evaluator throws). A missing
/// property is NULL: comparisons with it are unknown, and only a final TRUE matches.
package struct SQLFilter: Sendable {
    /// The source text.
    package let expression: String
    let root: FilterNode
    /// The properties the expression reads (what a record scan extracts).
    package let propertyNames: Set<String>
    let wantedKeys: [[UInt8]]
    let wantedNames: [String]

    /// Compiles `expression`, or throws `.malformedExpression` whose cause is a ``SQLFilterError``
    /// with the position of the fault.
    package static func compile(_ expression: String) throws(CometError) -> SQLFilter {
        do {
            let root = try SQLParser.parse(expression)
            return SQLFilter(expression: expression, root: root)
        } catch {
            throw CometError(
                .malformedExpression, "invalid SQL92 expression \"\(Self.excerpt(expression))\": \(error)",
                cause: error)
        }
    }

    /// The start of a long expression, for error remarks that stay readable.
    private static func excerpt(_ expression: String) -> String {
        expression.count <= 200 ? expression : "\(expression.prefix(200))… (\(expression.utf8.count) bytes)"
    }

    init(expression: String, root: FilterNode) {
        self.expression = expression
        self.root = root
        self.propertyNames = root.propertyNames
        self.wantedNames = propertyNames.sorted()
        self.wantedKeys = wantedNames.map { Array($0.utf8) }
    }

    /// Whether a message with these properties matches.
    package func matches<Source: FilterPropertySource>(_ properties: Source) -> Bool {
        root.evaluate(properties) == .bool(true)
    }

    /// Whether the stored record in `raw` matches, reading only the properties the expression
    /// names from the record's PROPERTIES bytes (the body is never decoded). A record that does
    /// not parse does not match.
    package func matches(record raw: UnsafeRawBufferPointer) -> Bool {
        guard let header = try? StoredMessageHeader.parse(raw, verifyCRC: false) else { return false }
        return matches(propertiesBytes: UnsafeRawBufferPointer(rebasing: raw[header.propertiesRange]))
    }

    /// Whether a message whose encoded PROPERTIES (`name\u{1}value\u{2}…`) are `raw` matches,
    /// extracting only the properties the expression names.
    package func matches(propertiesBytes raw: UnsafeRawBufferPointer) -> Bool {
        matches(RecordProperties(raw, wanted: wantedKeys, names: wantedNames))
    }
}

/// The wanted properties of one record, extracted from the `name\u{1}value\u{2}` bytes in one
/// pass into slots parallel to the wanted names (no dictionary per message).
struct RecordProperties: FilterPropertySource {
    private let names: [String]
    private var values: [String?]

    init(_ raw: UnsafeRawBufferPointer, wanted: [[UInt8]], names: [String]? = nil) {
        self.names = names ?? wanted.map { String(decoding: $0, as: UTF8.self) }
        values = Array(repeating: nil, count: wanted.count)
        guard !wanted.isEmpty else { return }
        var found = 0
        var position = 0
        let count = raw.count
        while position < count, found < wanted.count {
            var separator = position
            while separator < count, raw[separator] != 1 { separator += 1 }
            guard separator < count else { return }
            var end = separator + 1
            while end < count, raw[end] != 2 { end += 1 }
            let keyLength = separator - position
            for (slot, key) in wanted.enumerated() where key.count == keyLength && values[slot] == nil {
                var same = true
                for i in 0..<keyLength where raw[position + i] != key[i] {
                    same = false
                    break
                }
                if same {
                    values[slot] = String(
                        decoding: UnsafeRawBufferPointer(rebasing: raw[(separator + 1)..<end]), as: UTF8.self)
                    found += 1
                    break
                }
            }
            position = end + 1
        }
    }

    func property(_ name: String) -> String? {
        for (slot, candidate) in names.enumerated() where candidate == name { return values[slot] }
        return nil
    }
}
