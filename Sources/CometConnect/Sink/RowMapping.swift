package import CometClient
import Foundation

/// How a message becomes a row: a JSON object whose fields name columns (`json`), or the body as
/// text with the message's metadata (`raw`). Each message becomes one JSON object; the sink hands a
/// batch of them to `jsonb_populate_recordset`, so PostgreSQL converts every field to its column's type.
package enum RowMapping: String, Sendable, CaseIterable {
    /// The body is a JSON object; its fields fill the columns of the same names.
    case json
    /// Columns named `topic`, `broker`, `queue_id`, `queue_offset`, `msg_id`, `tags`, `keys`, `body`,
    /// `properties`, `born_timestamp` and `store_timestamp` (those the table has) get the message's.
    case raw

    /// The fields `raw` fills.
    package static let rawFields = [
        "topic", "broker", "queue_id", "queue_offset", "msg_id", "tags", "keys", "body", "properties",
        "born_timestamp", "store_timestamp",
    ]

    /// The row object of `message`, or nil when it cannot be mapped (a poison message).
    package func row(_ message: ReceivedMessage) -> [String: Any]? {
        switch self {
        case .json:
            return (try? JSONSerialization.jsonObject(with: Data(message.body))) as? [String: Any]
        case .raw:
            return [
                "topic": message.topic, "broker": message.queue.brokerName, "queue_id": Int(message.queue.queueId),
                "queue_offset": message.queueOffset, "msg_id": message.messageId, "tags": message.tags ?? "",
                "keys": message.keys.joined(separator: " "), "body": message.text,
                "properties": message.properties.filter { !$0.key.hasPrefix("__") },
                "born_timestamp": message.bornTimestamp, "store_timestamp": message.storeTimestamp,
            ]
        }
    }
}
