package import CometCore
import CometProtocol
import Foundation
import NIOCore

/// Name-server key/value configuration by namespace (e.g. `ORDER_TOPIC_CONFIG`), optionally
/// persisted to a JSON file in RocketMQ's `kvConfig.json` shape: `{"configTable":{ns:{k:v}}}`.
package struct KVConfigManager: Sendable {
    package private(set) var table: [String: [String: String]] = [:]
    private let path: String?

    /// Loads `path` if it exists; `nil` keeps the configuration in memory only.
    package init(path: String?) throws(CometError) {
        self.path = path
        guard let path, FileManager.default.fileExists(atPath: path) else { return }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CometError(.io, "cannot read KV config file \(path)")
        }
        do {
            let json = try JSONParser.parse(Array(data))
            let reader = try JSONObjectReader(json, "kvConfig")
            table = reader.object("configTable").mapValues { ($0.objectValue ?? [:]).compactMapValues(\.stringValue) }
        } catch {
            throw CometError(.io, "KV config file \(path) is not valid: \(error.message)")
        }
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
        let buffer = JSONWriter.encode(json)
        do {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(buffer.readableBytesView).write(to: url, options: .atomic)
        } catch {
            throw CometError(.io, "cannot write KV config file \(path): \(error)", cause: error)
        }
    }
}
