package import CometCore

extension MessageQueue {
    /// Reads a map key that names a queue: fastjson's bare object key (kept by ``JSONParser`` as
    /// its JSON text) or a string holding that JSON, both of which Java tools send.
    package init(key: String) throws(CometError) {
        let json = try JSONParser.parse(key)
        try self.init(json: json)
    }
}

extension JSONObjectReader {
    /// A `Map<MessageQueue, V>` member, sorted by queue.
    package func messageQueueMap<V>(
        _ key: String, _ value: (JSONValue) throws(CometError) -> V
    ) throws(CometError) -> [MessageQueue: V] {
        var result: [MessageQueue: V] = [:]
        for (text, entry) in object(key) { result[try MessageQueue(key: text)] = try value(entry) }
        return result
    }

    /// A `Map<Integer, Long>` member: keys bare or quoted.
    package func intKeyedInt64Map(_ key: String) throws(CometError) -> [Int32: Int64] {
        try intKeyedInt64Map(key: key)
    }
}

extension JSONValue {
    /// A `Map<MessageQueue, V>` written fastjson's way, keys as bare objects, sorted by queue.
    package static func queueKeyed<V>(_ map: [MessageQueue: V], _ value: (V) -> JSONValue) -> JSONValue {
        .keyedObject(map.keys.sorted().map { JSONMapEntry($0.json, value(map[$0]!)) })
    }
}
