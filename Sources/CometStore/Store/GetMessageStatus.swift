/// Outcome of a read from a consume queue, mirroring upstream `GetMessageStatus`; the broker
/// maps it to a pull response code (remoting-protocol.md §4.3).
package enum GetMessageStatus: Sendable, Hashable {
    /// At least one message returned (→ SUCCESS).
    case found
    /// Units were scanned but none matched the tag filter (→ PULL_RETRY_IMMEDIATELY).
    case noMatchedMessage
    /// The scanned units point into deleted commit-log segments (→ PULL_RETRY_IMMEDIATELY).
    case messageWasRemoving
    /// The consume-queue unit could not be read although in range (→ PULL_NOT_FOUND).
    case offsetFoundNull
    /// Requested offset == max offset: nothing new yet (→ PULL_NOT_FOUND, long-poll).
    case offsetOverflowOne
    /// Requested offset > max offset (→ PULL_OFFSET_MOVED, next = max).
    case offsetOverflowBadly
    /// Requested offset < min offset, e.g. after retention (→ PULL_OFFSET_MOVED, next = min).
    case offsetTooSmall
    /// The queue exists but is empty (→ PULL_NOT_FOUND / OFFSET_MOVED).
    case noMessageInQueue
    /// No such topic/queue in the store.
    case noMatchedLogicQueue
}
