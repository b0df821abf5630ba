package import CometCore
import Foundation
import NIOCore

/// Reads and atomically replaces the small JSON files servers keep metadata in (a name server's
/// `kvConfig.json`, a broker's `config/topics.json`, `consumerOffset.json` ...), in RocketMQ's shapes.
package enum JSONFile {
    /// The parsed file, or `nil` if it does not exist. A corrupt file is an error: silently
    /// starting empty would lose offsets or topics.
    package static func read(_ path: String) throws(CometError) -> JSONValue? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CometError(.io, "cannot read \(path)")
        }
        do {
            return try JSONParser.parse(Array(data))
        } catch {
            throw CometError(.io, "\(path) is not valid JSON: \(error.message)")
        }
    }

    /// Writes `value` to a temporary file, syncs it, and renames it over `path`.
    package static func write(_ value: JSONValue, to path: String) throws(CometError) {
        let buffer = JSONWriter.encode(value)
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temporary = path + ".tmp"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(buffer.readableBytesView)) else {
                throw CometError(.io, "cannot create \(temporary)")
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.synchronize()
            try handle.close()
            if rename(temporary, path) != 0 { throw CometError(.io, "rename \(temporary) → \(path) failed") }
        } catch let error as CometError {
            throw error
        } catch {
            throw CometError(.io, "cannot write \(path): \(error)", cause: error)
        }
    }
}
