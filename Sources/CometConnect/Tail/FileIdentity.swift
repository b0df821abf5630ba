#if canImport(Glibc)
import Glibc
#endif

/// Which file a path or descriptor refers to: device and inode, so a file keeps its identity when
/// renamed (rotation) and a new file at the same path is told apart from the old one.
package struct FileIdentity: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `st_dev`.
    package var device: UInt64
    /// `st_ino`.
    package var inode: UInt64

    /// An identity from its parts.
    package init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    package var description: String { "\(device):\(inode)" }

    /// The identity and size of the regular file at `path`, or nil when there is none.
    package static func of(path: String) -> (identity: FileIdentity, size: Int64)? {
        var info = Glibc.stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return (FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)), Int64(info.st_size))
    }

    /// The identity and size of the open file `descriptor`.
    package static func of(descriptor: Int32) -> (identity: FileIdentity, size: Int64)? {
        var info = Glibc.stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return (FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)), Int64(info.st_size))
    }
}
