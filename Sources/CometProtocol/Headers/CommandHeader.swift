package import CometCore

/// A typed custom header carried in a command's `extFields`.
package protocol CommandHeader: Sendable {
    /// Reads the header, failing with `.malformedHeader` naming the missing or invalid field.
    init(fields: HeaderFields) throws(CometError)
    /// Flattens the header into string fields (absent optionals are omitted).
    func write(into fields: inout [String: String])
}

/// Read access to `extFields` with errors that name the field.
package struct HeaderFields: Sendable {
    package var values: [String: String]
    package init(_ values: [String: String]) { self.values = values }

    package func string(_ key: String) throws(CometError) -> String {
        guard let value = values[key] else { throw CometError(.malformedHeader, "missing header field '\(key)'") }
        return value
    }

    package func optionalString(_ key: String) -> String? { values[key] }

    package func int64(_ key: String) throws(CometError) -> Int64 {
        let text = try string(key)
        guard let value = Int64(text.trimmingSpaces) else {
            throw CometError(.malformedHeader, "header field '\(key)' is not an integer: '\(text)'")
        }
        return value
    }

    package func int32(_ key: String) throws(CometError) -> Int32 {
        let value = try int64(key)
        guard let narrow = Int32(exactly: value) else {
            throw CometError(.malformedHeader, "header field '\(key)' is out of range: \(value)")
        }
        return narrow
    }

    package func optionalInt64(_ key: String) throws(CometError) -> Int64? {
        values[key] == nil ? nil : try int64(key)
    }

    package func optionalInt32(_ key: String) throws(CometError) -> Int32? {
        values[key] == nil ? nil : try int32(key)
    }

    /// Booleans as Java and C++ send them: `true`/`false` or `1`/`0`.
    package func optionalBool(_ key: String) throws(CometError) -> Bool? {
        guard let text = values[key] else { return nil }
        switch text.trimmingSpaces.lowercased() {
        case "true", "1": return true
        case "false", "0", "": return false
        default: throw CometError(.malformedHeader, "header field '\(key)' is not a boolean: '\(text)'")
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}

extension Dictionary where Key == String, Value == String {
    /// Sets `key` when `value` is present.
    package mutating func set(_ key: String, _ value: String?) {
        if let value { self[key] = value }
    }

    /// Sets `key` to the decimal text of `value` when present.
    package mutating func set<I: BinaryInteger>(_ key: String, _ value: I?) {
        if let value { self[key] = String(value) }
    }

    /// Sets `key` to `true`/`false` when present.
    package mutating func set(_ key: String, _ value: Bool?) {
        if let value { self[key] = value ? "true" : "false" }
    }
}
