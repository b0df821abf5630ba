import CometCore
import CometStore
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A slave's HA connection to its master (upstream `HAService.HAClient`): reports its
/// commit-log end as 8 big-endian bytes (on connect, after every append, and as a heartbeat),
/// appends what the master streams at exactly the offsets the master sends, and reconnects,
/// resuming from its own end, whenever the connection breaks.
final class HAClient: Sendable {
    /// The connection as the admin tools show it.
    package struct Status: Sendable, Hashable, Codable {
        /// The master's HA address it connects to, if known.
        package var masterAddress: String?
        /// Whether the connection is up.
        package var connected: Bool
        /// The last offset reported to the master.
        package var reportedOffset: Int64
        /// The end of the master's log as of the last frame (start + size), if any.
        package var masterOffsetSeen: Int64?
        /// Why the last connection ended, if one did.
        package var lastError: String?
    }

    private let store: MessageStore
    private let settings: ReplicationSettings
    private let logger: Logger
    private let group: any EventLoopGroup
    private let masterAddress: @Sendable () -> String?
    private let state = Mutex(Status(masterAddress: nil, connected: false, reportedOffset: 0))

    init(
        store: MessageStore, settings: ReplicationSettings, logger: Logger, group: any EventLoopGroup,
        masterAddress: @escaping @Sendable () -> String?
    ) {
        self.store = store
        self.settings = settings
        self.logger = logger
        self.group = group
        self.masterAddress = masterAddress
    }

    /// The connection's state now.
    var status: Status { state.withLock { $0 } }

    /// Replicates until cancelled: waits for the master's address, connects, copies, and after a
    /// failure tries again (5 s after a failed connect, 1 s after a broken connection).
    func run() async {
        while !Task.isCancelled {
            guard let address = masterAddress() else {
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            state.withLock { $0.masterAddress = address }
            let pause: Duration
            do {
                try await replicate(from: address)
                pause = .seconds(1)
            } catch let error as ConnectFailure {
                state.withLock { $0.lastError = "\(error.underlying)" }
                pause = .seconds(5)
            } catch {
                state.withLock { $0.lastError = "\(error)" }
                if !Task.isCancelled {
                    logger.warning(
                        "HA connection to the master broke",
                        metadata: ["ha.master": "\(address)", "ha.error": "\(error)"])
                }
                pause = .seconds(1)
            }
            state.withLock { $0.connected = false }
            try? await Task.sleep(for: pause)
        }
    }

    private struct ConnectFailure: Error {
        var underlying: any Error
    }

    private func replicate(from address: String) async throws {
        let target = try HostAndPort(parsing: address)
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.seconds(3))
                .connect(host: target.host, port: target.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw ConnectFailure(underlying: error)
        }
        logger.info("connected to the master's HA port", metadata: ["ha.master": "\(address)"])
        try await channel.executeThenClose { inbound, outbound in
            let reporter = Reporter(outbound: outbound)
            // Upstream's slave waits a heartbeat interval before its first report; reporting at once
            // starts the copy without that pause (the master only waits for a first report).
            try await reporter.report(store.commitLogMaxOffset)
            state.withLock {
                $0.connected = true
                $0.reportedOffset = store.commitLogMaxOffset
                $0.lastError = nil
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.receive(inbound, reporter: reporter) }
                group.addTask { try await self.heartbeat(reporter) }
                defer { group.cancelAll() }
                try await group.next()
            }
        }
    }

    /// Applies frames as they arrive; reports the new end after each batch of appends.
    private func receive(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, reporter: Reporter) async throws {
        var inbox = ByteBuffer()
        // A record cut by the transfer batch size waits here for the rest of its bytes.
        var pending = ByteBuffer()
        let limit = max(64 * 1024 * 1024, settings.transferBatchSize * 2)
        for try await var buffer in inbound {
            inbox.writeBuffer(&buffer)
            var masterSeen: Int64?
            while inbox.readableBytes >= 12,
                let offset = inbox.getInteger(at: inbox.readerIndex, endianness: .big, as: Int64.self),
                let size = inbox.getInteger(at: inbox.readerIndex + 8, endianness: .big, as: Int32.self)
            {
                guard size >= 0, Int(size) <= limit, offset >= 0 else {
                    throw CometError(.malformedFrame, "HA frame with offset \(offset) and size \(size)")
                }
                guard inbox.readableBytes >= 12 + Int(size) else { break }
                inbox.moveReaderIndex(forwardBy: 12)
                let expected = store.commitLogMaxOffset + Int64(pending.readableBytes)
                // Upstream's check: a slave holding data must receive exactly the bytes after it.
                if expected != 0 && expected != offset {
                    throw CometError(
                        .malformedFrame, "master sent offset \(offset), but this slave's log ends at \(expected)")
                }
                masterSeen = offset + Int64(size)
                guard size > 0 else { continue }
                var body = inbox.readSlice(length: Int(size))!
                let start = offset - Int64(pending.readableBytes)
                pending.writeBuffer(&body)
                let used = try pending.withUnsafeReadableBytes { bytes throws(StoreError) in
                    try store.appendReplicated(bytes, at: start)
                }
                pending.moveReaderIndex(forwardBy: used)
                if pending.readableBytes == 0 { pending.clear() }
            }
            inbox.discardReadBytes()
            if let masterSeen { state.withLock { $0.masterOffsetSeen = masterSeen } }
            let end = store.commitLogMaxOffset
            if end > reporter.lastReported {
                try await store.flushReplicated()
                try await reporter.report(end)
                state.withLock { $0.reportedOffset = end }
            }
        }
        throw CometError(.connectionFailed, "the master closed the HA connection")
    }

    /// Reports the current end when nothing was written for a heartbeat interval.
    private func heartbeat(_ reporter: Reporter) async throws {
        while true {
            try await Task.sleep(for: min(settings.heartbeatInterval, .seconds(1)))
            if reporter.idle() >= settings.heartbeatInterval {
                let end = store.commitLogMaxOffset
                try await reporter.report(end)
                state.withLock { $0.reportedOffset = end }
            }
        }
    }

    /// Writes reports; shared by the receiving and heartbeat tasks.
    private final class Reporter: Sendable {
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        private let last = Mutex<(offset: Int64, at: ContinuousClock.Instant)>((-1, .now))

        init(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) { self.outbound = outbound }

        var lastReported: Int64 { last.withLock { $0.offset } }

        func idle() -> Duration { ContinuousClock.now - last.withLock { $0.at } }

        func report(_ offset: Int64) async throws {
            last.withLock { $0 = (offset, .now) }
            var buffer = ByteBuffer()
            buffer.writeInteger(offset, endianness: .big, as: Int64.self)
            try await outbound.write(buffer)
        }
    }
}
