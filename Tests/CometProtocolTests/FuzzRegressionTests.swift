import CometCore
import CometProtocol
import NIOCore
import Testing

/// Inputs the libFuzzer targets in FuzzTesting/ found, kept as regression tests (each is also in
/// that target's corpus).
@Suite("Fuzzer findings")
struct FuzzRegressionTests {
    /// FuzzBinaryHeader: a binary header repeating an extFields key (here the empty key, with two
    /// different values) decoded to a command that was not equal to itself, so a round trip
    /// "changed" it: `ExtFields ==` looked each key up and found the first value for both.
    @Test("A header that repeats a key equals itself and survives a round trip")
    func repeatedKeyRoundTrip() throws {
        var header = ByteBuffer()
        header.writeInteger(Int16(11))  // code
        header.writeInteger(UInt8(0))  // language
        header.writeInteger(Int16(409))  // version
        header.writeInteger(Int32(2))  // opaque
        header.writeInteger(Int32(0))  // flag
        header.writeInteger(Int32(0))  // remark length
        var ext = ByteBuffer()
        for (key, value) in [("consumerGroup", "G"), ("", ""), ("", "T"), ("queueId", "0")] {
            ext.writeInteger(Int16(key.utf8.count))
            ext.writeString(key)
            ext.writeInteger(Int32(value.utf8.count))
            ext.writeString(value)
        }
        header.writeInteger(Int32(ext.readableBytes))
        header.writeBuffer(&ext)

        let command = try BinaryHeaderCodec.decode(header)
        #expect(command.extFields.count == 4)
        #expect(command.extFields == command.extFields)
        var encoded = ByteBuffer()
        try BinaryHeaderCodec.encode(command, into: &encoded)
        let again = try BinaryHeaderCodec.decode(encoded)
        #expect(again.extFields == command.extFields)
        // Order does not matter; the values of a repeated key do.
        let reordered: ExtFields = {
            var fields = ExtFields()
            for (key, value) in [("queueId", "0"), ("", "T"), ("consumerGroup", "G"), ("", "")] {
                fields.append(key, value)
            }
            return fields
        }()
        #expect(reordered == command.extFields)
        var different = ExtFields()
        for (key, value) in [("consumerGroup", "G"), ("", "T"), ("", "T"), ("queueId", "0")] {
            different.append(key, value)
        }
        #expect(different != command.extFields)
        #expect(command.extFields != different)
    }
}
