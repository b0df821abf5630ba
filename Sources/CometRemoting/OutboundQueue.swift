import CometProtocol
import NIOCore
import Synchronization

/// Encoded frames waiting for the event loop, written with one flush per batch.
///
/// `channel.writeAndFlush` from a task costs an event-loop task, a wake-up and a `writev` per
/// frame. Here callers append to a locked array; only the caller that finds it empty schedules a
/// drain, which writes everything queued by then and flushes once. Under load one drain carries
/// many frames; alone, a frame goes out after one hop, as before.
///
/// Frames are already encoded, so the drain writes them from the frame encoder's context (past
/// it, towards the socket); without an encoder in the pipeline it writes on the channel.
final class OutboundQueue: Sendable {
    private struct State {
        var frames: [ByteBuffer] = []
        var drainScheduled = false
    }

    private let state = Mutex(State())
    private let channel: any Channel
    /// Loop-owned: the encoder's context (looked up once) and the array swapped with `frames`
    /// so that draining allocates nothing.
    private let loopState: NIOLoopBoundBox<LoopState?>

    private struct LoopState {
        var context: ChannelHandlerContext?
        var spare: [ByteBuffer] = []
    }

    init(channel: any Channel) {
        self.channel = channel
        self.loopState = .makeEmptyBox(valueType: LoopState.self, eventLoop: channel.eventLoop)
    }

    /// Queues one frame (and the body to send right after it, if it was kept apart, then the
    /// further body parts).
    func enqueue(_ frame: ByteBuffer, _ body: ByteBuffer?, _ parts: [ByteBuffer] = []) {
        let schedule = state.withLock { state -> Bool in
            state.frames.append(frame)
            if let body { state.frames.append(body) }
            if !parts.isEmpty { state.frames.append(contentsOf: parts) }
            defer { state.drainScheduled = true }
            return !state.drainScheduled
        }
        if schedule {
            channel.eventLoop.execute { self.drain() }
        }
    }

    /// Writes everything queued and flushes once (on the event loop).
    private func drain() {
        // Taken out of the box (not copied) so the arrays stay uniquely referenced: appending to
        // a shared array would copy it.
        var local = loopState.value ?? LoopState()
        loopState.value = nil
        // Looked up until found: writing bytes on the channel would pass them through the
        // command encoder, which only takes commands.
        if local.context == nil { local.context = Self.encoderContext(of: channel) }
        var batch: [ByteBuffer] = []
        swap(&batch, &local.spare)
        state.withLock { state in
            swap(&state.frames, &batch)
            state.drainScheduled = false
        }
        if let context = local.context {
            for frame in batch { context.write(NIOAny(frame), promise: nil) }
            context.flush()
        } else {
            for frame in batch { channel.write(frame, promise: nil) }
            channel.flush()
        }
        batch.removeAll(keepingCapacity: true)
        local.spare = batch
        loopState.value = local
    }

    private static func encoderContext(of channel: any Channel) -> ChannelHandlerContext? {
        try? channel.pipeline.syncOperations.context(handlerType: RemotingCommandEncoder.self)
    }
}
