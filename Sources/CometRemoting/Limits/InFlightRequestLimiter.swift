import CometProtocol
import NIOCore

/// Back-pressure per connection: at most `limit` requests are handed on unanswered; while that
/// many are open, or while the channel is not writable (the peer does not read its answers), the
/// socket is not read and further requests already decoded wait here (not processed either). A client that pipelines
/// requests without reading answers then fills its own socket buffers, not the server's memory,
/// and cannot queue more than `limit` requests ahead of other clients' requests.
///
/// Sits between the frame decoder and the request handler, so it sees decoded commands both
/// ways: an inbound request (not a response, not oneway) takes a slot, an outbound response
/// frees one. The server answers every request that is not oneway exactly once. Requests held
/// here are at most one socket read's worth (the decoder decodes everything it has read).
final class InFlightRequestLimiter: ChannelDuplexHandler {
    typealias InboundIn = RemotingCommand
    typealias InboundOut = RemotingCommand
    typealias OutboundIn = RemotingCommand
    typealias OutboundOut = RemotingCommand

    private let limit: Int
    private var inFlight = 0
    private var held = CircularBuffer<RemotingCommand>()
    private var readPending = false
    private var draining = false

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Sent as a user outbound event for each response that is written past this handler
    /// (``RemotingConnection/write(_:)`` queues encoded frames below the encoder).
    struct ResponseWritten: Sendable {}

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is ResponseWritten else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        if inFlight > 0 { inFlight -= 1 }
        promise?.succeed(())
        releaseHeld(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let command = unwrapInboundIn(data)
        guard !command.isResponse && !command.isOneway else {
            context.fireChannelRead(data)
            return
        }
        if inFlight < limit && held.isEmpty && context.channel.isWritable {
            inFlight += 1
            context.fireChannelRead(data)
        } else {
            held.append(command)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if unwrapOutboundIn(data).isResponse && inFlight > 0 {
            inFlight -= 1
        }
        context.write(data, promise: promise)
        releaseHeld(context: context)
    }

    func read(context: ChannelHandlerContext) {
        if canRead(context) {
            context.read()
        } else {
            readPending = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        releaseHeld(context: context)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        held.removeAll()
        context.fireChannelInactive()
    }

    private func canRead(_ context: ChannelHandlerContext) -> Bool {
        inFlight < limit && held.isEmpty && context.channel.isWritable
    }

    /// Hands held requests on while slots are free, then resumes reading if it was paused. Not
    /// re-entrant: a handler answering synchronously only frees slots for this loop.
    private func releaseHeld(context: ChannelHandlerContext) {
        guard !draining else { return }
        draining = true
        defer { draining = false }
        var released = false
        // Not while unwritable: answers to a peer that does not read would only pile up in memory,
        // and the work to compute them would delay every other connection's requests.
        while inFlight < limit, context.channel.isActive, context.channel.isWritable, let next = held.popFirst() {
            inFlight += 1
            released = true
            context.fireChannelRead(wrapInboundOut(next))
        }
        if released { context.fireChannelReadComplete() }
        if readPending && canRead(context) {
            readPending = false
            context.read()
        }
    }
}

@available(*, unavailable)
extension InFlightRequestLimiter: Sendable {}
