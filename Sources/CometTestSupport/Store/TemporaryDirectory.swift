#if canImport(Glibc)
import Glibc
#endif

/// A directory under `$TMPDIR` (or `/tmp`) removed, with its contents, by ``remove()``.
package struct TemporaryDirectory: Sendable {
    /// Absolute path of the directory.
    package let path: String

    /// Creates a fresh, uniquely named directory (`mkdtemp`).
    package init(prefix: String = "comet-store") {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/\(prefix)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed with errno \(errno)")
        path = String(cString: created!)
    }

    /// Deletes the directory tree.
    package func remove() {
        Self.removeTree(path)
    }

    /// Runs `body` with a fresh directory and removes it afterwards, even on error.
    package static func with<T>(
        prefix: String = "comet-store", _ body: (TemporaryDirectory) async throws -> T
    )
        async rethrows -> T
    {
        let directory = TemporaryDirectory(prefix: prefix)
        defer { directory.remove() }
        return try await body(directory)
    }

    private static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            if let dir = opendir(path) {
                var names: [String] = []
                while let entry = readdir(dir) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                    }
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(dir)
                for name in names { removeTree(path + "/" + name) }
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
