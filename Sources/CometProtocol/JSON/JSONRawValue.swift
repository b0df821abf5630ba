package import CometCore

/// A value that reads and writes its own ``JSONValue``: the fastjson shapes the `Codable` model
/// cannot express, such as maps keyed by objects (``QueueKeyedMap``) or with bare integer keys
/// (``IntKeyedMap``). ``JSONValueEncoder`` and ``JSONValueDecoder`` hand it the value as-is.
package protocol JSONRawValue: Codable {
    /// Decodes from the member's value (`nil` when absent); errors name `path`.
    init(rawJSON value: JSONValue?, path: String) throws(CometError)
    /// The value to write.
    var rawJSON: JSONValue { get }
}

extension JSONRawValue {
    // Only Comet's JSON coders carry these types; any other coder is a programming error.
    package init(from decoder: any Decoder) throws {
        throw CometError(.malformedBody, "\(Self.self) decodes only from JSON bodies")
    }

    package func encode(to encoder: any Encoder) throws {
        throw CometError(.malformedBody, "\(Self.self) encodes only to JSON bodies")
    }
}

/// A `Map<MessageQueue, V>` as fastjson writes it: each key the queue object itself,
/// `{{"brokerName":"b","queueId":0,"topic":"T"}:…}`. Reads keys given as objects or as strings
/// holding the object's JSON, both of which Java accepts.
package struct QueueKeyedMap<Value: Codable & Sendable & Hashable>: JSONRawValue, Sendable, Hashable,
    ExpressibleByDictionaryLiteral
{
    package var entries: [MessageQueue: Value]

    package init(_ entries: [MessageQueue: Value] = [:]) { self.entries = entries }
    package init(dictionaryLiteral elements: (MessageQueue, Value)...) {
        entries = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    package subscript(queue: MessageQueue) -> Value? {
        get { entries[queue] }
        set { entries[queue] = newValue }
    }

    package init(rawJSON value: JSONValue?, path: String) throws(CometError) {
        guard case .object(let members)? = value else {
            guard value == nil || value == .null else {
                throw CometError(.malformedBody, "\(path) is not a JSON object")
            }
            self.init()
            return
        }
        var entries: [MessageQueue: Value] = [:]
        for (key, member) in members {
            let queue = try MessageQueue(json: try JSONParser.parse(key))
            entries[queue] = try JSONValueDecoder.decode(Value.self, from: member)
        }
        self.init(entries)
    }

    package var rawJSON: JSONValue {
        .keyedObject(
            entries.keys.sorted().map {
                JSONMapEntry(JSONValueEncoder.encode($0), JSONValueEncoder.encode(entries[$0]!))
            })
    }
}

/// A `Map<Integer, V>` as fastjson writes it, keys bare (`{0:5,1:9}`); reads bare or quoted keys.
package struct IntKeyedMap<Value: Codable & Sendable & Hashable>: JSONRawValue, Sendable, Hashable,
    ExpressibleByDictionaryLiteral
{
    package var entries: [Int32: Value]

    package init(_ entries: [Int32: Value] = [:]) { self.entries = entries }
    package init(dictionaryLiteral elements: (Int32, Value)...) {
        entries = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    package init(rawJSON value: JSONValue?, path: String) throws(CometError) {
        guard case .object(let members)? = value else {
            guard value == nil || value == .null else {
                throw CometError(.malformedBody, "\(path) is not a JSON object")
            }
            self.init()
            return
        }
        var entries: [Int32: Value] = [:]
        for (key, member) in members {
            guard let id = Int32(key) else {
                throw CometError(.malformedBody, "\(path) has a non-integer key '\(key)'")
            }
            entries[id] = try JSONValueDecoder.decode(Value.self, from: member)
        }
        self.init(entries)
    }

    package var rawJSON: JSONValue {
        .keyedObject(entries.keys.sorted().map { JSONMapEntry(.int($0), JSONValueEncoder.encode(entries[$0]!)) })
    }
}
