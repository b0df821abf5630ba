package import CometCore

/// A typed custom header carried in a command's ``ExtFields``: declare the stored properties, a
/// memberwise `init` and `Codable` conformance; ``HeaderFieldDecoder`` and ``HeaderFieldEncoder``
/// map each property to the field of the same name (see Architecture.md, "How to add a header or a
/// body").
///
/// Decoding follows Java's `RemotingCommand.decodeCommandCustomHeader`: a non-optional property whose
/// field is absent takes its value from ``fieldDefaults`` (Java's field initializer) or is an error
/// naming the field (Java's `@CFNotNull`); optionals stay `nil`. Values are parsed leniently (integers
/// with surrounding spaces, booleans as `true`/`false`/`1`/`0`). Encoding writes every non-`nil`
/// property as text, in declaration order.
package protocol CommandHeader: Codable, Sendable {
    /// Values (as wire text) for fields that may be absent although their property is not optional.
    static var fieldDefaults: [String: String] { get }
    /// Checks or normalizes the decoded header (Java's `checkFields`); the default does nothing.
    mutating func didDecode() throws(CometError)
}

extension CommandHeader {
    package static var fieldDefaults: [String: String] { [:] }
    package mutating func didDecode() throws(CometError) {}

    /// Reads the header from `fields`, failing with `.malformedHeader` naming the missing or invalid field;
    /// `wireKeys` maps property names to other field names (SEND_MESSAGE_V2's one-letter keys).
    package init(fields: ExtFields, wireKeys: [(from: String, to: String)]? = nil) throws(CometError) {
        do {
            self = try Self(from: HeaderFieldDecoder(fields: fields, defaults: Self.fieldDefaults, wireKeys: wireKeys))
        } catch let error as CometError {
            throw error
        } catch {
            throw CometError(.malformedHeader, "\(Self.self): \(error)", cause: error)
        }
        try didDecode()
    }

    /// The header as fields, in declaration order (absent optionals omitted).
    package var fields: ExtFields {
        var fields = ExtFields(minimumCapacity: 16)
        write(into: &fields)
        return fields
    }

    /// Adds this header's fields to `fields`.
    package func write(into fields: inout ExtFields) {
        withUnsafeMutablePointer(to: &fields) { pointer in
            // The encoder only throws for shapes a header cannot have (nested containers).
            try? encode(to: HeaderFieldEncoder(fields: pointer))
        }
    }
}
