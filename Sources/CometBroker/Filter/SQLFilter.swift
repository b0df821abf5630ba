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

    /// Compiles `expression`, or throws `.malformedExpression` whose cause is a ``SQLFilterError``
    /// with the position of the fault.
    package static func compile(_ expression: String) throws(CometError) -> SQLFilter {
        do {
            let root = try SQLParser.parse(expression)
            return SQLFilter(expression: expression, root: root)
        } catch {
            throw CometError(
                .malformedExpression, "invalid SQL92 expression \"\(expression)\": \(error)", cause: error)
        }
    }

    init(expression: String, root: FilterNode) {
        self.expression = expression
        self.root = root
        self.propertyNames = root.propertyNames
        self.wantedKeys = propertyNames.sorted().map { Array($0.utf8) }
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
        let properties = UnsafeRawBufferPointer(rebasing: raw[header.propertiesRange])
        return matches(RecordProperties(properties, wanted: wantedKeys))
    }
}

/// The wanted properties of one record, extracted from the `name\u{1}value\u{2}` bytes in one pass.
struct RecordProperties: FilterPropertySource {
    private var values: [String: String] = [:]

    init(_ raw: UnsafeRawBufferPointer, wanted: [[UInt8]]) {
        guard !wanted.isEmpty else { return }
        var position = 0
        let count = raw.count
        while position < count {
            var separator = position
            while separator < count, raw[separator] != 1 { separator += 1 }
            guard separator < count else { return }
            var end = separator + 1
            while end < count, raw[end] != 2 { end += 1 }
            let keyLength = separator - position
            for key in wanted where key.count == keyLength {
                var same = true
                for i in 0..<keyLength where raw[position + i] != key[i] {
                    same = false
                    break
                }
                if same {
                    let name = String(decoding: key, as: UTF8.self)
                    values[name] = String(decoding: UnsafeRawBufferPointer(rebasing: raw[(separator + 1)..<end]), as: UTF8.self)
                    break
                }
            }
            position = end + 1
        }
    }

    func property(_ name: String) -> String? { values[name] }
}
