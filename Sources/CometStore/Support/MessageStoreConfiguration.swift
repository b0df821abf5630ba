package import CometCore

#if canImport(Glibc)
import Glibc
#endif

/// Settings of a ``MessageStore``; defaults follow upstream `MessageStoreConfig`.
package struct MessageStoreConfiguration: Sendable {
    /// Root directory (`commitlog/`, `consumequeue/`, `index/`, `checkpoint`, `abort`, `lock`).
    package var rootDirectory: String
    /// Commit-log segment size in bytes (default 1 GiB).
    package var commitLogSegmentSize: Int = 1 << 30
    /// Disk space is reserved for commit-log segments and index files this many bytes at a time,
    /// ahead of the writer, instead of whole files (default 64 MiB; capped at the segment size).
    package var preallocationChunkSize: Int = 64 << 20
    /// Consume-queue entries per segment file (default 300,000 × 20 bytes).
    package var consumeQueueEntriesPerSegment: Int = 300_000
    /// Flush mode (default async).
    package var flushMode: FlushMode = .async
    /// Async-mode commit-log flush interval (default 500 ms).
    package var asyncFlushInterval: Duration = .milliseconds(500)
    /// Sync flushes slower than this report ``PutMessageStatus/flushDiskTimeout`` (default 5 s).
    package var syncFlushTimeout: Duration = .seconds(5)
    /// Consume-queue/index flush and checkpoint interval (default 1 s).
    package var consumeQueueFlushInterval: Duration = .seconds(1)
    /// Maximum encoded record size (default 4 MiB); must be below the segment size − 8.
    package var maxMessageSize: Int = 4 * 1024 * 1024
    /// Segments older than this are deleted by retention (default 72 h).
    package var fileReservedTime: Duration = .seconds(72 * 3600)
    /// Local hours (0–23) at which expired segments are deleted (default `[4]`).
    package var deleteWhenHours: Set<Int> = [4]
    /// Disk usage ratio above which expired segments are deleted at any hour (default 0.75).
    package var diskMaxUsedSpaceRatio: Double = 0.75
    /// Disk usage ratio above which the oldest segments are deleted even if young (default 0.85).
    package var diskSpaceCleanForciblyRatio: Double = 0.85
    /// Disk usage ratio above which appends are refused with ``StoreError/Code/diskFull`` (default 0.90).
    package var diskFullRatio: Double = 0.90
    /// Retention / disk check interval (default 10 s).
    package var cleanInterval: Duration = .seconds(10)
    /// At most this many segments are deleted per retention pass (default 10).
    package var maxSegmentsDeletedPerPass: Int = 10
    /// STOREHOST written into every record and used for offset message ids.
    package var storeHost: MessageHost = .unspecified
    /// Whether KEYS / UNIQ_KEY are indexed (default true).
    package var indexEnabled: Bool = true
    /// Hash slots per index file (default 5,000,000).
    package var indexHashSlots: Int = 5_000_000
    /// Entries per index file (default 20,000,000).
    package var indexMaxEntries: Int = 20_000_000
    /// Verify BODYCRC while recovering after a crash (default true).
    package var verifyCRCOnRecovery: Bool = true
    /// Pull limits when the data is likely in the page cache (default 256 KiB / 32 messages).
    package var maxTransferBytesInMemory: Int = 256 * 1024
    /// See ``maxTransferBytesInMemory``.
    package var maxTransferCountInMemory: Int = 32
    /// Pull limits when the data is likely on disk only (default 64 KiB / 8 messages).
    package var maxTransferBytesOnDisk: Int = 64 * 1024
    /// See ``maxTransferBytesOnDisk``.
    package var maxTransferCountOnDisk: Int = 8
    /// Data further behind the log end than this fraction of RAM counts as "on disk" (default 0.4).
    package var accessMessageInMemoryMaxRatio: Double = 0.4
    /// Threads serving reads and queries off the caller's event loop (default 2).
    package var readerThreads: Int = 2
    /// Wall clock in epoch milliseconds (injectable for tests).
    package var clock: @Sendable () -> Int64 = MessageStoreConfiguration.systemClock
    /// Disk usage ratio (0…1) of the file system holding a path; nil if unknown (injectable).
    package var diskUsage: @Sendable (String) -> Double? = MessageStoreConfiguration.statvfsUsage

    /// Creates a configuration with defaults for everything but the root directory.
    package init(rootDirectory: String) {
        self.rootDirectory = rootDirectory
    }

    /// Epoch milliseconds from `clock_gettime(CLOCK_REALTIME)`.
    package static let systemClock: @Sendable () -> Int64 = {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// Used/total ratio from `statvfs`.
    package static let statvfsUsage: @Sendable (String) -> Double? = { path in
        var stats = statvfs()
        guard statvfs(path, &stats) == 0, stats.f_blocks > 0 else { return nil }
        let total = Double(stats.f_blocks)
        let free = Double(stats.f_bavail)
        return (total - free) / total
    }

    /// Checks invariants; throws ``StoreError/Code/invalidConfiguration``.
    package func validate() throws(StoreError) {
        guard commitLogSegmentSize >= 4096 else {
            throw StoreError(.invalidConfiguration, "commitLogSegmentSize must be ≥ 4096")
        }
        guard maxMessageSize > 91, maxMessageSize <= commitLogSegmentSize - 8 else {
            throw StoreError(.invalidConfiguration, "maxMessageSize must be in 92…segment size − 8")
        }
        guard preallocationChunkSize >= 4096 else {
            throw StoreError(.invalidConfiguration, "preallocationChunkSize must be ≥ 4096")
        }
        guard consumeQueueEntriesPerSegment >= 1 else {
            throw StoreError(.invalidConfiguration, "consumeQueueEntriesPerSegment must be ≥ 1")
        }
        guard indexHashSlots >= 1, indexMaxEntries >= 2 else {
            throw StoreError(.invalidConfiguration, "index sizes too small")
        }
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
