import CometCore
package import CometProtocol
package import NIOCore
import Synchronization

/// One TCP connection speaking the remoting protocol, usable from any task.
///
/// Both sides of the protocol send requests: clients call servers, and servers push requests to
/// clients (e.g. NOTIFY_CONSUMER_IDS_CHANGED). A connection correlates responses to the requests it
/// sent by `opaque`; incoming requests are handed to whoever built the connection.
package final class RemotingConnection: Sendable {
    private struct State {
        var nextOpaque: Int32 = 0
        var pending: [Int32: EventLoopPromise<RemotingCommand>] = [:]
        var closedError: CometError?
    }

    /// The underlying NIO channel.
    package let channel: any Channel
    /// The peer as `ip:port`, for logs and for client ids.
    package let remoteAddress: String
    /// Unique per process; identifies the connection in tables (e.g. which broker registered on it).
    package let id: UInt64

    private let state = Mutex(State())
    private static let ids = Atomic<UInt64>(0)

    package init(channel: any Channel) {
        self.channel = channel
        self.id = Self.ids.add(1, ordering: .relaxed).newValue
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
        var request = request
        request.flag &= ~RemotingCommand.responseFlag
        let promise = channel.eventLoop.makePromise(of: RemotingCommand.self)
        let opaque: Int32
        do {
            opaque = try state.withLock { state throws(CometError) in
                if let error = state.closedError { throw error }
                let opaque = state.nextOpaque
                state.nextOpaque = opaque == Int32.max ? 0 : opaque + 1
                state.pending[opaque] = promise
                return opaque
            }
        } catch {
            // A promise must be completed before it is dropped.
            promise.fail(error)
            throw error
        }
        request.opaque = opaque
        let code = request.requestCode
        let timeoutTask = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.nanoseconds))) { [self] in
            if let waiter = takePending(opaque) {
                waiter.fail(
                    CometError(.timeout, "no response to \(code) from \(remoteAddress) within \(timeout)"))
            }
        }
        channel.writeAndFlush(request).whenFailure { [self] error in
            takePending(opaque)?.fail(
                CometError(.connectionFailed, "could not send \(code) to \(remoteAddress)", cause: error))
        }
        defer { timeoutTask.cancel() }
        // A cancelled caller (e.g. a consumer shutting down during a long poll) stops waiting at once.
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: { [self] in
            takePending(opaque)?.fail(CancellationError())
        }
    }

    /// Sends `request` with the oneway flag; completes once it is written.
    package func invokeOneway(_ request: RemotingCommand) async throws {
        var request = request
        request.flag |= RemotingCommand.onewayFlag
        request.opaque = state.withLock { state in
            let opaque = state.nextOpaque
            state.nextOpaque = opaque == Int32.max ? 0 : opaque + 1
            return opaque
        }
        do {
            try await channel.writeAndFlush(request).get()
        } catch {
            throw CometError(.connectionFailed, "could not send \(request.requestCode) to \(remoteAddress)", cause: error)
        }
    }

    /// Writes a command without waiting (responses to requests the peer sent).
    package func write(_ command: RemotingCommand) {
        channel.writeAndFlush(command, promise: nil)
    }

    /// Closes the connection; pending calls fail.
    package func close() {
        channel.close(promise: nil)
    }

    /// Completes the call waiting for `response`; a response nobody waits for is dropped.
    func receive(response: RemotingCommand) -> Bool {
        guard let waiter = takePending(response.opaque) else { return false }
        waiter.succeed(response)
        return true
    }

    /// Fails every pending call and refuses new ones (the channel closed).
    func closed() {
        let error = CometError(.connectionFailed, "connection to \(remoteAddress) closed")
        let waiters = state.withLock { state in
            state.closedError = error
            defer { state.pending.removeAll() }
            return Array(state.pending.values)
        }
        for waiter in waiters { waiter.fail(error) }
    }

    private func takePending(_ opaque: Int32) -> EventLoopPromise<RemotingCommand>? {
        state.withLock { $0.pending.removeValue(forKey: opaque) }
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
