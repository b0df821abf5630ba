import FuzzDriver
import CometCore
import CometFilter

/// Compiles arbitrary text as a SQL92 subscription (clients send these in heartbeats and pulls)
/// and evaluates what compiles against a few property sets: no input may trap or recurse without
/// bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let filter = try? SQLFilter.compile(text) else { return 0 }
    let samples: [[String: String]] = [
        [:], ["a": "1", "b": "x", "TAGS": "TagA"], ["a": "-9223372036854775808", "b": "1e308", "c": "NaN"],
    ]
    for properties in samples { _ = filter.matches(properties) }
    return 0
}

/// The target's `main` (see ``runLibFuzzer(argc:argv:_:)``).
@_cdecl("FuzzSQL92_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc: argc, argv: argv) { data, count in
        fuzz(data.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(bitPattern: 1)!, count)
    }
}
