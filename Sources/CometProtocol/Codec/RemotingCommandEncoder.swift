package import CometCore
package import NIOCore

/// Writes ``RemotingCommand``s as frames. The body goes out as its own write so that large bodies
/// (pulled messages) are never copied into the header buffer.
package final class RemotingCommandEncoder: ChannelOutboundHandler {
    package typealias OutboundIn = RemotingCommand
    package typealias OutboundOut = ByteBuffer

    package init() {}

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var command = unwrapOutboundIn(data)
        var head = context.channel.allocator.buffer(capacity: 256)
        do {
            try Self.encodeHead(command, into: &head)
        } catch {
            // A command that cannot be framed (a 40 KB extFields key in the binary form, a header
            // over 16 MiB, a frame over 4 GiB) must not trap on an event loop or wrap a length. A
            // request fails its write; a response is replaced by an error response, so the peer
            // waiting on that opaque gets an answer instead of a timeout.
            guard command.isResponse else {
                promise?.fail(error)
                return
            }
            command = Self.unencodableResponse(command, error)
            head.clear()
            do {
                try Self.encodeHead(command, into: &head)
            } catch {
                promise?.fail(error)
                return
            }
        }
        let body = command.body.flatMap { $0.readableBytes > 0 ? $0 : nil }
        let parts = command.bodyParts
        guard body != nil || !parts.isEmpty else {
            context.write(wrapOutboundOut(head), promise: promise)
            return
        }
        context.write(wrapOutboundOut(head), promise: nil)
        if let body { context.write(wrapOutboundOut(body), promise: parts.isEmpty ? promise : nil) }
        for (index, part) in parts.enumerated() {
            context.write(wrapOutboundOut(part), promise: index == parts.count - 1 ? promise : nil)
        }
    }

    /// Largest header the 24-bit header-length field can describe.
    package static let maxHeaderLength = 0xFF_FFFF

    /// Writes the total length, header-length word and header of `command` (not its body), or
    /// throws `.frameTooLarge` when a length does not fit its field (nothing is left in `buffer`).
    package static func encodeHead(_ command: RemotingCommand, into buffer: inout ByteBuffer) throws(CometError) {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(UInt32(0))
        let headerStart = buffer.writerIndex
        do {
            switch command.serializeType {
            case .json: JSONHeaderCodec.encode(command, into: &buffer)
            case .rocketmq: try BinaryHeaderCodec.encode(command, into: &buffer)
            }
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
        let headerLength = buffer.writerIndex - headerStart
        let bodyLength = command.bodyLength
        guard headerLength <= maxHeaderLength else {
            buffer.moveWriterIndex(to: start)
            throw CometError(.frameTooLarge, "header of \(headerLength) bytes exceeds the 16 MiB header-length field")
        }
        guard 4 + headerLength + bodyLength <= Int(UInt32.max) else {
            buffer.moveWriterIndex(to: start)
            throw CometError(
                .frameTooLarge, "frame of \(4 + headerLength + bodyLength) bytes exceeds the 4 GiB length field")
        }
        buffer.setInteger(UInt32(4 + headerLength + bodyLength), at: start)
        buffer.setInteger(
            UInt32(command.serializeType.rawValue) << 24 | UInt32(headerLength & 0xFF_FFFF), at: start + 4)
    }

    /// Appends the head of `command`'s frame to `buffer` and returns its body (if any), to be
    /// written after `buffer` as is: bodies (pulled messages) are never copied. The caller
    /// writes `command.bodyParts` after it.
    /// Throws `.frameTooLarge` (leaving `buffer` as it was) when a length does not fit its field.
    package static func encodeFrame(
        _ command: RemotingCommand, into buffer: inout ByteBuffer
    ) throws(CometError)
        -> ByteBuffer?
    {
        try encodeHead(command, into: &buffer)
        guard let body = command.body, body.readableBytes > 0 else { return nil }
        return body
    }

    /// The SYSTEM_ERROR response sent in place of a response that cannot be encoded.
    package static func unencodableResponse(_ response: RemotingCommand, _ error: CometError) -> RemotingCommand {
        var replacement = RemotingCommand(
            code: ResponseCode.systemError.rawValue, language: response.language, version: response.version,
            opaque: response.opaque, flag: response.flag, serializeType: response.serializeType)
        replacement.remark = "the response cannot be encoded: \(error.message)"
        return replacement
    }

    /// The whole frame of `command` in one buffer (tests and tools).
    package static func encode(
        _ command: RemotingCommand, allocator: ByteBufferAllocator = ByteBufferAllocator()
    )
        throws(CometError) -> ByteBuffer
    {
        var buffer = allocator.buffer(capacity: 256 + command.bodyLength)
        try encodeHead(command, into: &buffer)
        if var body = command.body { buffer.writeBuffer(&body) }
        for var part in command.bodyParts { buffer.writeBuffer(&part) }
        return buffer
    }
}

@available(*, unavailable)
extension RemotingCommandEncoder: Sendable {}
