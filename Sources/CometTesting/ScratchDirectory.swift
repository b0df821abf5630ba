import Foundation

/// A uniquely named folder under the temporary directory, deleted with its contents by ``remove()``.
struct ScratchDirectory: Sendable {
    /// Absolute path of the folder.
    let path: String

    /// Creates the folder (`mkdtemp`, so concurrent tests never share one).
    init(prefix: String) throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/\(prefix)-XXXXXX".utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: base])
        }
        path = String(cString: created)
    }

    /// Deletes the folder tree.
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
