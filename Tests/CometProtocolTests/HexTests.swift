import CometCore
import Testing

@Suite("Hex encoding")
struct HexTests {
    @Test("Bytes become two digits each, high nibble first, in either case")
    func bytes() {
        #expect(Hex.encode([0x00, 0x0F, 0xAB, 0xFF] as [UInt8]) == "000fabff")
        #expect(Hex.encode([0x00, 0x0F, 0xAB, 0xFF] as [UInt8], uppercase: true) == "000FABFF")
        #expect(Hex.encode("Az".utf8) == "417a")
        #expect(Hex.encode([UInt8]()) == "")
    }

    @Test("Integers are exactly 16 digits, zero-padded")
    func integers() {
        #expect(Hex.encode(UInt64(0)) == "0000000000000000")
        #expect(Hex.encode(UInt64(0xABC), uppercase: true) == "0000000000000ABC")
        #expect(Hex.encode(UInt64.max) == "ffffffffffffffff")
        #expect(Hex.encode(UInt64(0x0123_4567_89AB_CDEF)) == "0123456789abcdef")
    }
}
