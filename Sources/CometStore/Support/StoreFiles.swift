#if canImport(Glibc)
import Glibc
#endif

/// Small file-system helpers on top of Glibc.
enum StoreFiles {
    /// `offset2FileName`: the offset zero-padded to 20 decimal digits.
    static func fileName(for offset: Int64) -> String {
        let digits = String(offset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// Creates `path` and its parents (like `mkdir -p`).
    static func createDirectory(_ path: String) throws(StoreError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw StoreError(.ioFailure, "mkdir \(current)", errno: errno)
            }
        }
    }

    /// Names of the entries in a directory (excluding `.`/`..`); empty if it does not exist.
    static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Files named by 20-digit offsets, sorted by offset.
    static func offsetFiles(in path: String) -> [(offset: Int64, path: String)] {
        list(path).compactMap { name -> (Int64, String)? in
            guard name.utf8.count == 20, let offset = Int64(name) else { return nil }
            return (offset, path + "/" + name)
        }.sorted { $0.0 < $1.0 }
    }

    /// Whether `path` exists.
    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// `fsync` of a directory so created/removed names are durable.
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Creates an empty file and syncs it and its directory.
    static func touch(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError(.ioFailure, "create \(path)", errno: errno) }
        fsync(fd)
        close(fd)
        syncDirectory(parent(of: path))
    }

    /// Removes a file (ignoring a missing one) and syncs its directory.
    static func remove(_ path: String) {
        unlink(path)
        syncDirectory(parent(of: path))
    }

    /// Removes a directory tree (used for emptied consume-queue directories and tests).
    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in list(path) { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// The directory part of a path.
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Writes `bytes` to `path` atomically (temp file, fsync, rename, fsync directory).
    static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws(StoreError) {
        let temp = path + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError(.ioFailure, "create \(temp)", errno: errno) }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let syncResult = fsync(fd)
        close(fd)
        guard written == bytes.count, syncResult == 0 else {
            throw StoreError(.ioFailure, "write \(temp)", errno: errno)
        }
        guard rename(temp, path) == 0 else { throw StoreError(.ioFailure, "rename \(temp)", errno: errno) }
        syncDirectory(parent(of: path))
    }

    /// Reads a whole (small) file; nil if missing.
    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }
}
