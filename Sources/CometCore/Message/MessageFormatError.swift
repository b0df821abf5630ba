/// Why bytes could not be decoded as a stored message, batch entry or message id.
package struct MessageFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The category of the failure.
    package enum Code: Sendable, Hashable {
        /// Fewer bytes than the layout requires.
        case truncated
        /// MAGICCODE is neither V1, V2 nor the blank marker.
        case badMagic
        /// TOTALSIZE disagrees with the fields or is out of range.
        case badLength
        /// BODYCRC does not match the body.
        case badCRC
        /// A string field is not valid UTF-8 or a value is malformed.
        case badField
    }

    /// The category.
    package var code: Code
    /// Human-readable detail.
    package var message: String

    /// Creates an error.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    package var description: String { "\(code): \(message)" }
}
