import CometCore
import NIOCore

/// Bounds the bytes of incomplete frames buffered across all connections of a server: ten peers
/// each sending 15 MiB of a declared 16 MiB frame and then stalling would otherwise hold 150 MB.
///
/// Sits before the frame decoder and follows the framing (4-byte length, then that many bytes)
/// without copying, charging the shared ``SharedCounter`` with the part of the current frame
/// received so far and releasing it when the frame completes or the connection closes. A
/// connection whose partial frame would push the total over the budget is closed. Bytes are
/// passed on unchanged; the decoder still validates lengths.
final class PartialFrameBudget: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let budget: Int
    private let total: SharedCounter
    /// Length-prefix bytes of the next frame seen so far (0...3 while reading the prefix).
    private var prefix: UInt32 = 0
    private var prefixBytes = 0
    /// Bytes still to come of the current frame's body; nil while reading a prefix.
    private var remaining: Int?
    /// Bytes of the current incomplete frame (prefix included) charged to `total`.
    private var charged = 0

    init(budget: Int, total: SharedCounter) {
        self.budget = budget
        self.total = total
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        var partial = charged
        var index = buffer.readerIndex
        let end = buffer.writerIndex
        while index < end {
            if let left = remaining {
                let taken = min(left, end - index)
                index += taken
                partial += taken
                remaining = left - taken
                if remaining == 0 {
                    remaining = nil
                    partial = 0
                }
            } else {
                prefix = prefix << 8 | UInt32(buffer.getInteger(at: index, as: UInt8.self)!)
                prefixBytes += 1
                index += 1
                partial += 1
                if prefixBytes == 4 {
                    // A negative or oversized length is the decoder's to reject; count it as-is.
                    remaining = Int(Int32(bitPattern: prefix))
                    if remaining! <= 0 {
                        remaining = nil
                        partial = 0
                    }
                    prefix = 0
                    prefixBytes = 0
                }
            }
        }
        let delta = partial - charged
        charged = partial
        if delta > 0, total.add(delta) > budget {
            release()
            context.fireErrorCaught(
                CometError(
                    .frameTooLarge,
                    "buffered partial frames of all connections exceed \(budget) bytes (maxBufferedPartialFrameBytes)"))
            context.close(promise: nil)
            return
        } else if delta < 0 {
            total.add(delta)
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    private func release() {
        if charged > 0 { total.add(-charged) }
        charged = 0
    }
}

@available(*, unavailable)
extension PartialFrameBudget: Sendable {}
