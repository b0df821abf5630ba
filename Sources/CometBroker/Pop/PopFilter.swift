package import CometCore

/// Which messages of a topic a POP consumer wants (v5 `FilterExpression`), evaluated in the
/// broker like a remoting subscription: TAG expressions by tags code in the consume queue and then
/// by the tag itself, SQL92 on the stored properties.
package enum PopFilter: Sendable {
    /// Every message.
    case all
    /// Messages whose `TAGS` is one of these.
    case tags(Set<String>)
    /// Messages whose properties match a compiled SQL92 expression.
    case sql(SQLFilter)

    /// Parses a TAG expression (`*`, empty, or `a || b`).
    package static func tagExpression(_ expression: String) -> PopFilter {
        let trimmed = expression.trimmingCharacters(in: " ")
        if trimmed.isEmpty || trimmed == "*" { return .all }
        let tags = trimmed.split(separator: "||").map { String($0).trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
        return tags.isEmpty ? .all : .tags(Set(tags))
    }

    /// Tags codes for the consume-queue pre-filter, if any.
    var tagsCodes: Set<Int64>? {
        guard case .tags(let tags) = self else { return nil }
        return Set(tags.map { TagHashCode.tagsCode($0) })
    }

    /// Whether a decoded message passes (tags codes can collide, so the tag is checked too).
    func accepts(_ message: StoredMessage) -> Bool {
        guard case .tags(let tags) = self else { return true }
        guard let tag = message.tags else { return false }
        return tags.contains(tag)
    }
}

extension MessagePropertyKey {
    /// `__SHARDINGKEY`: the v5 message group (FIFO ordering key).
    package static let shardingKey = "__SHARDINGKEY"
}
