package import CometCore
import NIOCore

/// Builders for messages used by store tests and benchmarks.
package enum StoreTestMessages {
    /// A message with a deterministic body (`"<topic>-<queue>-<index>"` padded to `bodySize`),
    /// optional tags, keys and unique key.
    package static func make(
        topic: String = "TopicTest", queueID: Int32 = 0, index: Int, bodySize: Int = 64, tags: String? = nil,
        keys: [String] = [], uniqueKey: String? = nil, bornTimestamp: Int64 = 1_700_000_000_000
    ) -> StoredMessage {
        var text = "\(topic)-\(queueID)-\(index)-"
        while text.utf8.count < bodySize { text += "x" }
        var body = ByteBufferAllocator().buffer(capacity: bodySize)
        body.writeString(String(text.utf8.prefix(max(bodySize, 1)).map { Character(UnicodeScalar($0)) }))
        var properties: [String: String] = [:]
        if let tags { properties[MessagePropertyKey.tags] = tags }
        if !keys.isEmpty { properties[MessagePropertyKey.keys] = keys.joined(separator: " ") }
        if let uniqueKey { properties[MessagePropertyKey.uniqueKey] = uniqueKey }
        return StoredMessage(
            topic: topic, queueID: queueID, body: body, properties: properties, bornTimestamp: bornTimestamp,
            bornHost: MessageHost(address: [127, 0, 0, 1], port: 50_000))
    }

    /// The body text of ``make(topic:queueID:index:bodySize:tags:keys:uniqueKey:bornTimestamp:)``.
    package static func bodyText(of message: StoredMessage) -> String {
        String(buffer: message.body)
    }
}
