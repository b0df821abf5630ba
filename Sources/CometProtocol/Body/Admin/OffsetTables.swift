package import CometCore

/// GET_ALL_CONSUMER_OFFSET (43) response body (RocketMQ `ConsumerOffsetSerializeWrapper`):
/// `{"offsetTable":{"topic@group":{0:3,1:4}}}` with bare queue-id keys.
package struct ConsumerOffsetSerializeWrapper: JSONBody, Hashable {
    package var offsetTable: [String: [Int32: Int64]]

    package init(offsetTable: [String: [Int32: Int64]]) { self.offsetTable = offsetTable }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "consumerOffsetSerializeWrapper")
        var table: [String: [Int32: Int64]] = [:]
        for (key, queues) in r.object("offsetTable") {
            table[key] = try JSONObjectReader(queues, "offsetTable[\(key)]").intKeyedInt64Map(key: nil)
        }
        offsetTable = table
    }

    package var json: JSONValue {
        .object(["offsetTable": .object(offsetTable.mapValues { .intKeyed($0) { .int($0) } })])
    }
}

/// GET_ALL_DELAY_OFFSET (45) response body (RocketMQ `DelayOffsetSerializeWrapper`): the schedule
/// service's progress per delay level, `{"offsetTable":{1:0,2:7}}`.
package struct DelayOffsetSerializeWrapper: JSONBody, Hashable {
    package var offsetTable: [Int32: Int64]

    package init(offsetTable: [Int32: Int64]) { self.offsetTable = offsetTable }

    package init(json: JSONValue) throws(CometError) {
        offsetTable = try JSONObjectReader(json, "delayOffsetSerializeWrapper").intKeyedInt64Map("offsetTable")
    }

    package var json: JSONValue { .object(["offsetTable": .intKeyed(offsetTable) { .int($0) }]) }
}

/// QUERY_CORRECTION_OFFSET (308) response body (RocketMQ `QueryCorrectionOffsetBody`).
package struct QueryCorrectionOffsetBody: JSONBody, Hashable {
    package var correctionOffsets: [Int32: Int64]

    package init(correctionOffsets: [Int32: Int64]) { self.correctionOffsets = correctionOffsets }

    package init(json: JSONValue) throws(CometError) {
        correctionOffsets = try JSONObjectReader(json, "queryCorrectionOffsetBody").intKeyedInt64Map(
            "correctionOffsets")
    }

    package var json: JSONValue { .object(["correctionOffsets": .intKeyed(correctionOffsets) { .int($0) }]) }
}

/// INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) response body and the client's answer to
/// GET_CONSUMER_STATUS_FROM_CLIENT (221) (RocketMQ `GetConsumerStatusBody`).
package struct GetConsumerStatusBody: JSONBody, Hashable {
    package var messageQueueTable: [MessageQueue: Int64]
    package var consumerTable: [String: [MessageQueue: Int64]]

    package init(messageQueueTable: [MessageQueue: Int64], consumerTable: [String: [MessageQueue: Int64]]) {
        self.messageQueueTable = messageQueueTable
        self.consumerTable = consumerTable
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "getConsumerStatusBody")
        messageQueueTable = try r.messageQueueMap("messageQueueTable") { v throws(CometError) in
            guard let offset = v.int64Value else { throw CometError(.malformedBody, "offset is not an integer") }
            return offset
        }
        var table: [String: [MessageQueue: Int64]] = [:]
        for (client, _) in r.object("consumerTable") {
            table[client] = try JSONObjectReader(r.members["consumerTable"]!, "consumerTable").messageQueueMap(client) {
                v throws(CometError) in
                guard let offset = v.int64Value else { throw CometError(.malformedBody, "offset is not an integer") }
                return offset
            }
        }
        consumerTable = table
    }

    package var json: JSONValue {
        .object([
            "messageQueueTable": .queueKeyed(messageQueueTable) { .int($0) },
            "consumerTable": .object(consumerTable.mapValues { .queueKeyed($0) { .int($0) } }),
        ])
    }
}

extension JSONObjectReader {
    /// This object itself read as `Map<Integer, Long>` (`key` nil) or its member `key`.
    func intKeyedInt64Map(key: String?) throws(CometError) -> [Int32: Int64] {
        var result: [Int32: Int64] = [:]
        for (text, entry) in key.map({ object($0) }) ?? members {
            guard let id = Int32(text), let value = entry.int64Value else {
                throw CometError(.malformedBody, "\(context) has an invalid entry \(text)")
            }
            result[id] = value
        }
        return result
    }
}
