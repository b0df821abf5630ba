import FuzzDriver
import CometCore
import NIOCore

/// Parses arbitrary bytes as stored commit-log records (what recovery, pulls and lookups read,
/// and what a client-chosen offset may point into): the header parser, the peek used when
/// scanning, and the full decoder must refuse bad records with an error, never read out of bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: start, count: count)
    _ = StoredMessageHeader.peek(raw)
    _ = try? StoredMessageHeader.parse(raw, verifyCRC: true)
    _ = try? StoredMessageHeader.parse(raw, verifyCRC: false)
    _ = try? StoredMessage.decode(raw, verifyCRC: false)
    var buffer = ByteBuffer()
    buffer.writeBytes(raw)
    _ = try? StoredMessage.decodeAll(buffer)
    return 0
}

/// The target's `main` (see ``runLibFuzzer(argc:argv:_:)``).
@_cdecl("FuzzStoredMessage_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc: argc, argv: argv) { data, count in
        fuzz(data.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(bitPattern: 1)!, count)
    }
}
