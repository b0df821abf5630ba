import CometCore
import CometStore
import Dispatch
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A master's HA port (upstream `HAService.AcceptSocketService` + `HAConnection`): plain TCP,
/// no remoting framing. Each slave sends 8-byte big-endian reports of its commit-log end; the
/// master streams frames of an 8-byte start offset, a 4-byte size and that many commit-log bytes
/// from where the slave is, and an empty frame as a heartbeat when idle.
final class HAServer: Sendable {
    private let store: MessageStore
    private let tracker: ReplicaTracker
    private let settings: ReplicationSettings
    private let logger: Logger
    private let group: any EventLoopGroup

    init(
        store: MessageStore, tracker: ReplicaTracker, settings: ReplicationSettings, logger: Logger,
        group: any EventLoopGroup
    ) {
        self.store = store
        self.tracker = tracker
        self.settings = settings
        self.logger = logger
        self.group = group
    }

    /// Binds `host:port`, reports the bound address, then serves slaves until cancelled.
    func run(host: String, port: Int, bound: @Sendable (SocketAddress) -> Void) async throws {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        if let address = server.channel.localAddress { bound(address) }
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { inbound in
                for try await connection in inbound {
                    group.addTask { await self.serve(connection) }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let remote = connection.channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = tracker.connect(remoteAddress: remote, wake: wake, now: WallClock.system.nowMillis())
        logger.info("slave connected to the HA port", metadata: ["ha.slave": "\(remote)"])
        defer { tracker.disconnect(id) }
        do {
            try await connection.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    let lastRead = ManagedTimestamp()
                    group.addTask {
                        try await self.readReports(id: id, inbound: inbound, wake: wake, lastRead: lastRead)
                    }
                    group.addTask { try await self.tick(wake: wake, lastRead: lastRead) }
                    group.addTask { try await self.stream(id: id, wakeups: wakeups, outbound: outbound) }
                    defer { group.cancelAll() }
                    try await group.next()
                }
            }
        } catch {
            logger.info("HA connection closed", metadata: ["ha.slave": "\(remote)", "ha.reason": "\(error)"])
            return
        }
        logger.info("HA connection closed", metadata: ["ha.slave": "\(remote)"])
    }

    /// Reads 8-byte reports; only the last complete one in what arrived counts (upstream reads
    /// the newest report and skips older ones).
    private func readReports(
        id: UInt64, inbound: NIOAsyncChannelInboundStream<ByteBuffer>, wake: AsyncStream<Void>.Continuation,
        lastRead: ManagedTimestamp
    ) async throws {
        var carry = ByteBuffer()
        for try await var buffer in inbound {
            lastRead.touch()
            carry.writeBuffer(&buffer)
            let groups = carry.readableBytes / 8
            guard groups > 0 else { continue }
            carry.moveReaderIndex(forwardBy: (groups - 1) * 8)
            guard let offset = carry.readInteger(endianness: .big, as: Int64.self) else { continue }
            carry.discardReadBytes()
            guard offset >= 0, offset <= store.commitLogMaxOffset else {
                throw CometError(
                    .malformedFrame,
                    "slave reported offset \(offset), beyond this log's end \(store.commitLogMaxOffset)")
            }
            tracker.report(id, offset: offset)
            wake.yield()
        }
        throw CometError(.connectionFailed, "the slave closed the connection")
    }

    /// Wakes the sender once per heartbeat interval (so it can send an empty frame) and closes a
    /// connection that sent nothing for `haHousekeepingInterval`.
    private func tick(wake: AsyncStream<Void>.Continuation, lastRead: ManagedTimestamp) async throws {
        let housekeeping = Self.millis(settings.housekeepingInterval)
        while true {
            try await Task.sleep(for: min(settings.heartbeatInterval, .seconds(1)))
            if lastRead.age() > housekeeping {
                throw CometError(.timeout, "nothing read from the slave for \(housekeeping) ms")
            }
            wake.yield()
        }
    }

    /// Streams the log from where the slave is, once its first report is in.
    private func stream(
        id: UInt64, wakeups: AsyncStream<Void>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        var next: Int64?
        var lastWrite = ContinuousClock.now
        let batch = settings.transferBatchSize
        for await _ in wakeups {
            if next == nil, let requested = tracker.requestOffset(id) {
                let start = store.replicationStart(forReported: requested)
                logger.info(
                    "streaming to the slave from \(start)", metadata: ["ha.reported": "\(requested)"])
                next = start
            }
            guard var offset = next else { continue }
            var sent = false
            while let chunk = try await store.replicationChunk(from: offset, maxBytes: batch) {
                var frame = ByteBuffer()
                frame.reserveCapacity(12 + chunk.count)
                frame.writeInteger(offset, endianness: .big, as: Int64.self)
                frame.writeInteger(Int32(chunk.count), endianness: .big, as: Int32.self)
                frame.writeBytes(chunk)
                try await outbound.write(frame)
                offset += Int64(chunk.count)
                sent = true
            }
            next = offset
            if sent {
                lastWrite = .now
            } else if ContinuousClock.now - lastWrite >= settings.heartbeatInterval {
                var frame = ByteBuffer()
                frame.writeInteger(offset, endianness: .big, as: Int64.self)
                frame.writeInteger(Int32(0), endianness: .big, as: Int32.self)
                try await outbound.write(frame)
                lastWrite = .now
            }
        }
    }

    static func millis(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}

/// A monotonic "last seen" time shared between an HA connection's tasks.
final class ManagedTimestamp: Sendable {
    private let nanos: Atomic<Int64>

    init() { nanos = Atomic(Self.now()) }

    /// Marks now.
    func touch() { nanos.store(Self.now(), ordering: .relaxed) }

    /// Milliseconds since the last touch.
    func age() -> Int64 { (Self.now() - nanos.load(ordering: .relaxed)) / 1_000_000 }

    private static func now() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds) }
}
