/// Topic and broker permission bits (RocketMQ `PermName`).
package struct Permission: OptionSet, Hashable, Sendable, Codable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }

    package static let inherit = Permission(rawValue: 1)
    package static let write = Permission(rawValue: 2)
    package static let read = Permission(rawValue: 4)
    package static let priority = Permission(rawValue: 8)

    /// What a normal topic gets: read and write (6).
    package static let readWrite: Permission = [.read, .write]
}
