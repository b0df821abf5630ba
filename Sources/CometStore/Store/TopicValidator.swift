/// Topic name rules: `^[%|a-zA-Z0-9_-]+$`, at most 127 characters.
package enum TopicValidator {
    /// Maximum topic length.
    package static let maxLength = 127

    /// Throws ``StoreError/Code/invalidTopic`` if `topic` breaks the rules.
    package static func validate(_ topic: String) throws(StoreError) {
        guard !topic.isEmpty else { throw StoreError(.invalidTopic, "topic is empty") }
        guard topic.utf8.count <= maxLength else {
            throw StoreError(.invalidTopic, "topic is longer than \(maxLength) characters")
        }
        for byte in topic.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "%"), UInt8(ascii: "|"), UInt8(ascii: "_"),
                UInt8(ascii: "-"):
                continue
            default:
                throw StoreError(.invalidTopic, "topic '\(topic)' has characters outside [%|a-zA-Z0-9_-]")
            }
        }
    }
}
