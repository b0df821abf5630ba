import CometCore
package import CometProtocol
package import NIOCore
import Synchronization

/// One TCP connection speaking the remoting protocol, usable from any task.
///
/// Both sides of the protocol send requests: clients call servers, and servers push requests to
/// clients (e.g. NOTIFY_CONSUMER_IDS_CHANGED). A connection correlates responses to the requests it
/// sent by `opaque`; incoming requests are handed to whoever built the connection.
///
/// Frames are encoded by the calling task, straight into the buffer that goes to the socket, and
/// queued; the event loop writes everything queued with one flush (``OutboundQueue``), so many
/// concurrent callers cost one wake-up and one `writev` rather than one each. Timeouts share one
/// timer per connection armed for the earliest deadline (``PendingCalls``) instead of a scheduled
/// task per call.
package final class RemotingConnection: Sendable {
    /// The underlying NIO channel.
    package let channel: any Channel
    /// The peer as `ip:port`, for logs and for client ids.
    package let remoteAddress: String
    /// Unique per process; identifies the connection in tables (e.g. which broker registered on it).
    package let id: UInt64

    let calls = Mutex(PendingCalls())
    let outbound: OutboundQueue
    private static let ids = Atomic<UInt64>(0)

    package init(channel: any Channel) {
        self.channel = channel
        self.id = Self.ids.add(1, ordering: .relaxed).newValue
        self.outbound = OutboundQueue(channel: channel)
        if let address = channel.remoteAddress, let ip = address.ipAddress, let port = address.port {
            self.remoteAddress = address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        } else {
            self.remoteAddress = "unknown"
        }
    }

    /// Whether the channel is still open.
    package var isActive: Bool { channel.isActive }

    /// Sends `request` and waits for its response, failing with `.timeout` after `timeout`.
    package func invoke(_ request: RemotingCommand, timeout: Duration) async throws -> RemotingCommand {
        try await invoke(code: request.code, timeout: timeout, capacity: 256) { opaque, buffer in
            var request = request
            request.flag &= ~RemotingCommand.responseFlag
            request.opaque = opaque
            // A request that cannot be framed goes out as nothing; its call then times out.
            return try? RemotingCommandEncoder.encodeFrame(request, into: &buffer)
        }
    }

    /// Sends a request whose frame `encode` writes (given the call's `opaque`) and waits for its
    /// response, failing with `.timeout` after `timeout`.
    ///
    /// `encode` appends the whole frame to a buffer of `capacity` bytes and may return a body
    /// buffer to send after it as is (large bodies are not copied); it runs on the calling task,
    /// before anything is sent.
    package func invoke(
        code: Int32, timeout: Duration, capacity: Int, encode: (Int32, inout ByteBuffer) -> ByteBuffer?
    ) async throws -> RemotingCommand {
        let promise = channel.eventLoop.makePromise(of: RemotingCommand.self)
        // The loop's clock (virtual on testing loops), as the timer that fires runs on it.
        let deadline = channel.eventLoop.now + .nanoseconds(min(timeout.nanoseconds, Self.longestTimeout))
        let opaque: Int32
        let timer: PendingCalls.TimerRequest?
        do {
            (opaque, timer) = try calls.withLock { calls throws(CometError) in
                try calls.register(promise, code: code, timeout: timeout, deadline: deadline)
            }
        } catch {
            // A promise must be completed before it is dropped.
            promise.fail(error)
            throw error
        }
        if let timer { armTimer(timer) }
        var frame = channel.allocator.buffer(capacity: capacity)
        let body = encode(opaque, &frame)
        outbound.enqueue(frame, body)
        // A cancelled caller (e.g. a consumer shutting down during a long poll) stops waiting at once.
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: { [self] in
            calls.withLock { $0.take(opaque) }?.promise.fail(CancellationError())
        }
    }

    /// Sends `request` with the oneway flag; returns once it is queued for the socket.
    package func invokeOneway(_ request: RemotingCommand) async throws {
        try invokeOneway(code: request.code, capacity: 256) { opaque, buffer in
            var request = request
            request.flag |= RemotingCommand.onewayFlag
            request.opaque = opaque
            if let body = try? RemotingCommandEncoder.encodeFrame(request, into: &buffer) {
                var body = body
                buffer.writeBuffer(&body)
            }
        }
    }

    /// Sends a oneway request whose frame `encode` writes (given its `opaque`; the frame must
    /// carry the oneway flag); returns once it is queued for the socket.
    package func invokeOneway(code: Int32, capacity: Int, encode: (Int32, inout ByteBuffer) -> Void) throws {
        let opaque: Int32 = try calls.withLock { calls throws(CometError) in
            if let error = calls.closedError {
                throw CometError(
                    .connectionFailed, "could not send \(RequestCode(code)) to \(remoteAddress)", cause: error)
            }
            return calls.nextOpaque()
        }
        var frame = channel.allocator.buffer(capacity: capacity)
        encode(opaque, &frame)
        outbound.enqueue(frame, nil)
    }

    /// Writes a command without waiting (responses to requests the peer sent).
    package func write(_ command: RemotingCommand) {
        var frame = channel.allocator.buffer(capacity: 256)
        let body: ByteBuffer?
        var parts = command.bodyParts
        do {
            body = try RemotingCommandEncoder.encodeFrame(command, into: &frame)
        } catch {
            // A response that cannot be framed is answered with an error instead (see the encoder).
            guard command.isResponse else { return }
            frame.clear()
            parts = []
            body = try? RemotingCommandEncoder.encodeFrame(
                RemotingCommandEncoder.unencodableResponse(command, error), into: &frame)
        }
        outbound.enqueue(frame, body, parts)
        // The frame bypasses the in-flight limiter (it is queued below the encoder): tell it.
        if command.isResponse {
            channel.triggerUserOutboundEvent(InFlightRequestLimiter.ResponseWritten(), promise: nil)
        }
    }

    /// Closes the connection; pending calls fail.
    package func close() {
        channel.close(promise: nil)
    }

    /// Completes the call waiting for `response`; a response nobody waits for is dropped.
    func receive(response: RemotingCommand) -> Bool {
        guard let call = calls.withLock({ $0.take(response.opaque) }) else { return false }
        call.promise.succeed(response)
        return true
    }

    /// Fails every pending call and refuses new ones (the channel closed).
    func closed() {
        let error = CometError(.connectionFailed, "connection to \(remoteAddress) closed")
        let (waiters, timer) = calls.withLock { $0.close(error) }
        timer?.cancel()
        for waiter in waiters { waiter.promise.fail(error) }
    }

    /// The longest timeout honoured (a year), so deadlines never overflow.
    private static let longestTimeout: Int64 = 365 * 86_400 * 1_000_000_000

    /// Schedules the sweep for `request.deadline`, replacing the timer it supersedes.
    private func armTimer(_ request: PendingCalls.TimerRequest) {
        let generation = request.generation
        let scheduled = channel.eventLoop.scheduleTask(deadline: request.deadline) { [self] in
            sweep(generation: generation)
        }
        let stale = calls.withLock { $0.installTimer(scheduled, generation: generation) }
        stale?.cancel()
    }

    /// Fails the calls whose deadline passed and re-arms the timer for the next deadline.
    private func sweep(generation: UInt64) {
        let now = channel.eventLoop.now
        let (expired, next) = calls.withLock { $0.expire(now: now, generation: generation) }
        for call in expired {
            call.promise.fail(
                CometError(
                    .timeout, "no response to \(RequestCode(call.code)) from \(remoteAddress) within \(call.timeout)"))
        }
        if let next { armTimer(next) }
    }
}

extension RemotingConnection: Hashable {
    package static func == (lhs: RemotingConnection, rhs: RemotingConnection) -> Bool { lhs.id == rhs.id }
    package func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : ns + attoseconds / 1_000_000_000
    }
}
