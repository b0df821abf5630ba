/// When appended data is forced to disk.
package enum FlushMode: Sendable, Hashable {
    /// The append completes only after the data is durable; concurrent appends share one flush
    /// (group commit). Upstream `SYNC_FLUSH`.
    case sync
    /// The append completes once the data is in the mapped file; a background flush runs every
    /// `asyncFlushInterval`. Upstream `ASYNC_FLUSH` (the default).
    case async
}
