package import NIOCore

/// Writes JSON straight into a `ByteBuffer`. Object keys are written in sorted order so output is
/// deterministic (the same choice jsoncpp makes for the C++ client).
package enum JSONWriter {
    /// Serializes `value` at the end of `buffer`.
    package static func write(_ value: JSONValue, into buffer: inout ByteBuffer) {
        switch value {
        case .null: buffer.writeStaticString("null")
        case .bool(let b): buffer.writeStaticString(b ? "true" : "false")
        case .number(let n): buffer.writeString(n)
        case .string(let s): writeString(s, into: &buffer)
        case .array(let elements):
            buffer.writeInteger(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                write(element, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        case .object(let members):
            buffer.writeInteger(UInt8(ascii: "{"))
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                writeString(key, into: &buffer)
                buffer.writeInteger(UInt8(ascii: ":"))
                write(members[key]!, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        case .keyedObject(let entries):
            buffer.writeInteger(UInt8(ascii: "{"))
            for (i, entry) in entries.enumerated() {
                if i > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                write(entry.key, into: &buffer)
                buffer.writeInteger(UInt8(ascii: ":"))
                write(entry.value, into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        }
    }

    /// Serializes `value` into a new buffer.
    package static func encode(_ value: JSONValue, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer
    {
        var buffer = allocator.buffer(capacity: 256)
        write(value, into: &buffer)
        return buffer
    }

    /// Writes a JSON string literal, escaping quotes, backslashes and control characters (property
    /// strings use U+0001 and U+0002 as separators, which must travel as `\u0001`/`\u0002`).
    package static func writeString(_ string: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var needsEscape = false
        for b in string.utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
            needsEscape = true
            break
        }
        if !needsEscape {
            buffer.writeString(string)
        } else {
            for b in string.utf8 {
                switch b {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case 0x0A: buffer.writeStaticString("\\n")
                case 0x0D: buffer.writeStaticString("\\r")
                case 0x09: buffer.writeStaticString("\\t")
                case 0..<0x20:
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hexDigit(b >> 4))
                    buffer.writeInteger(hexDigit(b & 0xF))
                default: buffer.writeInteger(b)
                }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ v: UInt8) -> UInt8 {
        v < 10 ? UInt8(ascii: "0") + v : UInt8(ascii: "a") + v - 10
    }
}
