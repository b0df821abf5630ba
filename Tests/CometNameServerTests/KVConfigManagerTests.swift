import CometCore
import CometNameServer
import Foundation
import Testing

@Suite("KV config manager")
struct KVConfigManagerTests {
    @Test("Values persist to the file and load back")
    func persistence() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("comet-kv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("kvConfig.json").path
        var kv = try KVConfigManager(path: path)
        try kv.put(namespace: "ORDER_TOPIC_CONFIG", key: "T", value: "broker-a:4")
        try kv.put(namespace: "ns", key: "k", value: "v")
        try kv.delete(namespace: "ns", key: "k")
        let reloaded = try KVConfigManager(path: path)
        #expect(reloaded.value(namespace: "ORDER_TOPIC_CONFIG", key: "T") == "broker-a:4")
        #expect(reloaded.list(namespace: "ns") == nil)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == #"{"configTable":{"ORDER_TOPIC_CONFIG":{"T":"broker-a:4"}}}"#)
    }

    @Test("A corrupt file is a clear error")
    func corruptFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("comet-kv-\(UUID().uuidString).json")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "{not json".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: CometError.self) { try KVConfigManager(path: path) }
        #expect(error?.message.contains(path) == true)
    }
}
