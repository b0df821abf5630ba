import FuzzDriver
import CometCore
import NIOCore

/// Decodes arbitrary bytes as a SEND_BATCH_MESSAGE body; accepted batches must re-encode to the
/// same entries, and no input may yield more than the entry bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var buffer = ByteBuffer()
    buffer.writeBytes(UnsafeRawBufferPointer(start: start, count: count))
    guard let entries = try? BatchMessageDecoder.decode(buffer, maxEntries: 64) else { return 0 }
    precondition(entries.count <= 64, "the entry bound was not applied")
    guard let again = try? BatchMessageDecoder.decode(BatchMessageDecoder.encode(entries)) else {
        fatalError("a decoded batch does not decode after re-encoding")
    }
    precondition(again.map(\.body) == entries.map(\.body) && again.map(\.flag) == entries.map(\.flag))
    return 0
}

/// The target's `main` (see ``runLibFuzzer(argc:argv:_:)``).
@_cdecl("FuzzBatchDecoder_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc: argc, argv: argv) { data, count in
        fuzz(data.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(bitPattern: 1)!, count)
    }
}
