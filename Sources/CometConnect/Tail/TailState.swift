import Foundation

/// What `comet tail` has delivered: for each followed file (by identity) the byte offset up to
/// which the broker acknowledged every line. Saved atomically (write to a temporary file, then
/// rename), and only after the acknowledgement, so a crash re-sends at most the unacknowledged tail.
package struct TailState: Codable, Sendable, Equatable {
    /// One file's progress.
    package struct Entry: Codable, Sendable, Equatable {
        /// Where the file was last seen (a rotated file is looked for by identity in the same folder).
        package var path: String
        /// The file's identity.
        package var identity: FileIdentity
        /// First byte not yet acknowledged.
        package var offset: Int64
        /// Bumped each time the file was truncated in place, so line positions stay unique.
        package var generation: Int

        /// An entry from its parts.
        package init(path: String, identity: FileIdentity, offset: Int64, generation: Int) {
            self.path = path
            self.identity = identity
            self.offset = offset
            self.generation = generation
        }
    }

    /// Progress of every followed file.
    package var files: [Entry] = []

    /// An empty state.
    package init(files: [Entry] = []) { self.files = files }

    /// The entry of `identity`, if any.
    package func entry(_ identity: FileIdentity) -> Entry? { files.first { $0.identity == identity } }

    /// Reads the state file; a missing file is an empty state, a corrupt one an error (never silently
    /// restarting from scratch, which would re-send everything).
    package static func load(path: String) throws -> TailState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            return try JSONDecoder().decode(TailState.self, from: data)
        } catch {
            throw ConnectError("state file \(path) is not valid (\(error)); move it away to start over")
        }
    }

    /// Writes the state atomically: a crash leaves the old or the new state, never a torn one.
    package func save(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(self)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw ConnectError("cannot write state file \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            throw ConnectError("cannot rename \(temporary) to \(path): errno \(errno)")
        }
    }
}
