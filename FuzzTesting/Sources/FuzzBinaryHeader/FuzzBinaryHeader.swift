import FuzzDriver
import CometCore
import CometProtocol
import NIOCore

/// Decodes arbitrary bytes as a binary (ROCKETMQ) header; an accepted header must encode (or be
/// refused with an error) and decode again to the same command.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var buffer = ByteBuffer()
    buffer.writeBytes(UnsafeRawBufferPointer(start: start, count: count))
    guard let command = try? BinaryHeaderCodec.decode(buffer) else { return 0 }
    var encoded = ByteBuffer()
    do {
        try BinaryHeaderCodec.encode(command, into: &encoded)
    } catch {
        return 0
    }
    guard let again = try? BinaryHeaderCodec.decode(encoded) else {
        fatalError("an accepted binary header does not decode after re-encoding")
    }
    precondition(
        again.code == command.code && again.opaque == command.opaque && again.flag == command.flag
            && again.extFields == command.extFields && (again.remark ?? "") == (command.remark ?? ""),
        "binary header round trip changed the command")
    return 0
}

/// The target's `main` (see ``runLibFuzzer(argc:argv:_:)``).
@_cdecl("FuzzBinaryHeader_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc: argc, argv: argv) { data, count in
        fuzz(data.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(bitPattern: 1)!, count)
    }
}
