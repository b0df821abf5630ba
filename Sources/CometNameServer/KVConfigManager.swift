package import CometCore
import CometProtocol

/// Name-server key/value configuration by namespace (e.g. `ORDER_TOPIC_CONFIG`), optionally
/// persisted to a JSON file in RocketMQ's `kvConfig.json` shape: `{"configTable":{ns:{k:v}}}`.
package struct KVConfigManager: Sendable {
    package private(set) var table: [String: [String: String]] = [:]
    private let path: String?

    /// Loads `path` if it exists; `nil` keeps the configuration in memory only.
    package init(path: String?) throws(CometError) {
        self.path = path
        guard let path, let json = try JSONFile.read(path) else { return }
        let reader = try JSONObjectReader(json, path)
        table = reader.object("configTable").mapValues { ($0.objectValue ?? [:]).compactMapValues(\.stringValue) }
    }

    package func value(namespace: String, key: String) -> String? { table[namespace]?[key] }

    package func list(namespace: String) -> [String: String]? { table[namespace] }

    package mutating func put(namespace: String, key: String, value: String) throws(CometError) {
        table[namespace, default: [:]][key] = value
        try persist()
    }

    package mutating func delete(namespace: String, key: String) throws(CometError) {
        guard table[namespace]?.removeValue(forKey: key) != nil else { return }
        if table[namespace]?.isEmpty == true { table.removeValue(forKey: namespace) }
        try persist()
    }

    private func persist() throws(CometError) {
        guard let path else { return }
        let json = JSONValue.object([
            "configTable": .object(table.mapValues { .object($0.mapValues(JSONValue.string)) })
        ])
        try JSONFile.write(json, to: path)
    }
}
