/// The property string of a message (message-format.md §3): `key 0x01 value 0x02` pairs, UTF-8.
package enum MessageProperties {
    /// Separator between a key and its value (0x01).
    package static let nameValueSeparator: Character = "\u{01}"
    /// Separator between pairs (0x02).
    package static let propertySeparator: Character = "\u{02}"
    /// Maximum encoded length (int16 length field).
    package static let maxEncodedLength = Int(Int16.max)

    /// Encodes properties in sorted key order (deterministic, like the C++ client), each pair
    /// terminated by 0x02 (the RMQ53/C++ form). Pairs with an empty key or value are skipped,
    /// since parsers drop them anyway.
    package static func encode(_ properties: [String: String]) -> String {
        var result = ""
        for key in properties.keys.sorted() {
            guard let value = properties[key], !key.isEmpty, !value.isEmpty else { continue }
            result += key
            result.append(nameValueSeparator)
            result += value
            result.append(propertySeparator)
        }
        return result
    }

    /// Parses a property string with Java semantics: splits on 0x02, keeps pairs whose key and
    /// value are both non-empty; accepts a missing final 0x02. Later duplicates win.
    package static func parse(_ string: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in string.split(separator: propertySeparator, omittingEmptySubsequences: true) {
            guard let separator = pair.firstIndex(of: nameValueSeparator) else { continue }
            let key = pair[..<separator]
            let value = pair[pair.index(after: separator)...]
            if !key.isEmpty && !value.isEmpty {
                result[String(key)] = String(value)
            }
        }
        return result
    }

    /// Splits the `KEYS` property value into individual keys (separated by spaces).
    package static func splitKeys(_ keys: String?) -> [String] {
        guard let keys else { return [] }
        return keys.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    }
}

/// Names of reserved properties used by the store and broker (message-format.md §3.1).
package enum MessagePropertyKey {
    /// Business keys separated by a space; indexed.
    package static let keys = "KEYS"
    /// Tag; hashed into the consume queue.
    package static let tags = "TAGS"
    /// Producer-generated unique id; indexed.
    package static let uniqueKey = "UNIQ_KEY"
    /// Wait for store before reply.
    package static let wait = "WAIT"
    /// Delay level.
    package static let delayLevel = "DELAY"
    /// Original topic of a rewritten message.
    package static let realTopic = "REAL_TOPIC"
    /// Original queue id of a rewritten message.
    package static let realQueueID = "REAL_QID"
    /// Transactional half-message marker.
    package static let transactionPrepared = "TRAN_MSG"
    /// Producer group.
    package static let producerGroup = "PGROUP"
    /// Original topic of a retried message.
    package static let retryTopic = "RETRY_TOPIC"
    /// First message id of a retried message.
    package static let originMessageID = "ORIGIN_MESSAGE_ID"
    /// Reconsume counter.
    package static let reconsumeTime = "RECONSUME_TIME"
    /// Per-message maximum reconsume times.
    package static let maxReconsumeTimes = "MAX_RECONSUME_TIMES"
    /// Cluster name added by the broker.
    package static let cluster = "CLUSTER"
    /// Transaction id.
    package static let transactionID = "__transactionId__"
}
