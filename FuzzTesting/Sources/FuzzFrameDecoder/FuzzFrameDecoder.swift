import FuzzDriver
import CometCore
import CometProtocol
import NIOCore

/// Feeds arbitrary bytes to the remoting frame decoder in two chunks (the split point is the first
/// byte), as a connection would, then re-encodes every decoded command and decodes it again: the
/// decoder must never trap, and what it accepts must survive the encoder.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard let first = bytes.first else { return 0 }
    let split = min(Int(first), bytes.count - 1)
    var decoder = RemotingFrameDecoder(maxFrameLength: 1 << 20)
    var buffer = ByteBuffer()
    buffer.writeBytes(bytes[1..<(1 + split)])
    var commands: [RemotingCommand] = []
    do {
        while let command = try decoder.decode(buffer: &buffer) { commands.append(command) }
        buffer.writeBytes(bytes[(1 + split)...])
        while let command = try decoder.decode(buffer: &buffer) { commands.append(command) }
        if let last = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { commands.append(last) }
    } catch {
        // Malformed input is refused with an error: fine.
    }
    for command in commands {
        guard var frame = try? RemotingCommandEncoder.encode(command) else { continue }
        frame.moveReaderIndex(forwardBy: 4)
        guard let again = try? RemotingFrameDecoder.decodeFrame(frame) else {
            fatalError("a decoded command does not decode after re-encoding: \(command)")
        }
        precondition(again.code == command.code && again.opaque == command.opaque, "round trip changed the command")
    }
    return 0
}

/// The target's `main` (see ``runLibFuzzer(argc:argv:_:)``).
@_cdecl("FuzzFrameDecoder_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc: argc, argv: argv) { data, count in
        fuzz(data.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(bitPattern: 1)!, count)
    }
}
