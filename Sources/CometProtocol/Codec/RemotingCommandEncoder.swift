package import NIOCore

/// Writes ``RemotingCommand``s as frames. The body goes out as its own write so that large bodies
/// (pulled messages) are never copied into the header buffer.
package final class RemotingCommandEncoder: ChannelOutboundHandler {
    package typealias OutboundIn = RemotingCommand
    package typealias OutboundOut = ByteBuffer

    package init() {}

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let command = unwrapOutboundIn(data)
        var head = context.channel.allocator.buffer(capacity: 256)
        Self.encodeHead(command, into: &head)
        if let body = command.body, body.readableBytes > 0 {
            context.write(wrapOutboundOut(head), promise: nil)
            context.write(wrapOutboundOut(body), promise: promise)
        } else {
            context.write(wrapOutboundOut(head), promise: promise)
        }
    }

    /// Writes the total length, header-length word and header of `command` (not its body).
    package static func encodeHead(_ command: RemotingCommand, into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(UInt32(0))
        let headerStart = buffer.writerIndex
        switch command.serializeType {
        case .json: JSONHeaderCodec.encode(command, into: &buffer)
        case .rocketmq: BinaryHeaderCodec.encode(command, into: &buffer)
        }
        let headerLength = buffer.writerIndex - headerStart
        let bodyLength = command.body?.readableBytes ?? 0
        buffer.setInteger(UInt32(4 + headerLength + bodyLength), at: start)
        buffer.setInteger(
            UInt32(command.serializeType.rawValue) << 24 | UInt32(headerLength & 0xFF_FFFF), at: start + 4)
    }

    /// Appends the head of `command`'s frame to `buffer` and returns its body (if any), to be
    /// written after `buffer` as is: bodies (pulled messages) are never copied.
    package static func encodeFrame(_ command: RemotingCommand, into buffer: inout ByteBuffer) -> ByteBuffer? {
        encodeHead(command, into: &buffer)
        guard let body = command.body, body.readableBytes > 0 else { return nil }
        return body
    }

    /// The whole frame of `command` in one buffer (tests and tools).
    package static func encode(
        _ command: RemotingCommand, allocator: ByteBufferAllocator = ByteBufferAllocator()
    )
        -> ByteBuffer
    {
        var buffer = allocator.buffer(capacity: 256 + (command.body?.readableBytes ?? 0))
        encodeHead(command, into: &buffer)
        if var body = command.body { buffer.writeBuffer(&body) }
        return buffer
    }
}

@available(*, unavailable)
extension RemotingCommandEncoder: Sendable {}
