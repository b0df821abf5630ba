package import CometCore
package import NIOCore

/// Splits the byte stream into remoting frames and decodes each into a ``RemotingCommand``.
///
/// The total length is checked as soon as its 4 bytes arrive, so an over-size or negative frame is
/// rejected before any of its body is buffered. Any error closes the connection (the transport's
/// handler logs why): after a bad frame the stream position is unknown.
package struct RemotingFrameDecoder: NIOSingleStepByteToMessageDecoder {
    package typealias InboundOut = RemotingCommand

    /// RocketMQ's `NettyDecoder` default: 16 MiB.
    package static let defaultMaxFrameLength = 16 * 1024 * 1024

    package let maxFrameLength: Int

    package init(maxFrameLength: Int = RemotingFrameDecoder.defaultMaxFrameLength) {
        self.maxFrameLength = maxFrameLength
    }

    package mutating func decode(buffer: inout ByteBuffer) throws -> RemotingCommand? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return nil }
        guard length >= 4 else {
            throw CometError(.malformedFrame, "frame length \(length) is smaller than the 4-byte header-length word")
        }
        guard length <= maxFrameLength else {
            throw CometError(.frameTooLarge, "frame length \(length) exceeds the maximum of \(maxFrameLength) bytes")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let frame = buffer.readSlice(length: Int(length))!
        return try Self.decodeFrame(frame)
    }

    package mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RemotingCommand? {
        if let command = try decode(buffer: &buffer) { return command }
        if seenEOF && buffer.readableBytes > 0 {
            let pending = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: pending)
            throw CometError(.malformedFrame, "connection closed inside a frame (\(pending) bytes of a partial frame)")
        }
        return nil
    }

    /// Decodes one frame without its leading total-length field.
    package static func decodeFrame(_ frame: ByteBuffer) throws(CometError) -> RemotingCommand {
        var frame = frame
        guard let word = frame.readInteger(as: UInt32.self) else {
            throw CometError(.malformedFrame, "frame has no header-length word")
        }
        let serialization = UInt8(word >> 24)
        let headerLength = Int(word & 0x00FF_FFFF)
        guard headerLength <= frame.readableBytes else {
            throw CometError(
                .malformedFrame,
                "header length \(headerLength) exceeds the \(frame.readableBytes) bytes left in the frame")
        }
        let header = frame.readSlice(length: headerLength)!
        var command: RemotingCommand
        switch SerializeType(rawValue: serialization) {
        case .json: command = try JSONHeaderCodec.decode(header)
        case .rocketmq: command = try BinaryHeaderCodec.decode(header)
        case nil: throw CometError(.malformedFrame, "unknown header serialization type \(serialization)")
        }
        command.body = frame.readableBytes > 0 ? frame : nil
        return command
    }
}
