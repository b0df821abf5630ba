/// What the store found and repaired when it opened.
package struct RecoveryReport: Sendable, Hashable {
    /// True if the previous run shut down cleanly (no scan was needed).
    package var wasCleanShutdown: Bool
    /// Commit-log offset from which records were verified and re-dispatched (nil when clean).
    package var scannedFrom: Int64?
    /// Commit-log end after recovery (next append offset).
    package var commitLogEnd: Int64
    /// Valid records verified during the scan.
    package var recordsVerified: Int
    /// Why the scan stopped before the end of written data (torn write, bad CRC …); nil if it
    /// reached zero bytes.
    package var invalidRecord: String?
    /// Commit-log segment files deleted because they lay after the last valid record.
    package var segmentsRemoved: Int
    /// Consume queues whose tail was cut back to the commit-log end.
    package var consumeQueuesTruncated: Int
}
