import FuzzDriver
import CometCore
import CometProtocol
import NIOCore

/// Parses arbitrary bytes as JSON (the lenient parser for fastjson and C++ client bodies), and
/// re-parses what the writer makes of an accepted document: the result must be equal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    let written = JSONWriter.encode(value)
    let reparsed: JSONValue
    do {
        reparsed = try JSONParser.parse(Array(written.readableBytesView))
    } catch {
        fatalError("the writer's output does not parse: \(error)")
    }
    precondition(reparsed == value, "JSON round trip changed the document")
    return 0
}

/// The target's `main` (see ``runLibFuzzer(argc:argv:_:)``).
@_cdecl("FuzzJSONParser_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc: argc, argv: argv) { data, count in
        fuzz(data.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(bitPattern: 1)!, count)
    }
}
