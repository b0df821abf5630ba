/// The broker-generated offset message id (message-format.md §6.1):
/// `hex(storeHost address ‖ port int32 ‖ commitLogOffset int64)`, uppercase.
package struct OffsetMessageID: Sendable, Hashable, CustomStringConvertible {
    /// The store host (IPv4 → 32 hex chars, IPv6 → 56).
    package var storeHost: MessageHost
    /// Commit-log physical offset of the record.
    package var commitLogOffset: Int64

    /// Creates an id.
    package init(storeHost: MessageHost, commitLogOffset: Int64) {
        self.storeHost = storeHost
        self.commitLogOffset = commitLogOffset
    }

    /// Decodes a 32- or 56-character hex id (either case); nil if malformed.
    package init?(_ text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 32 || utf8.count == 56 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: return nil
            }
        }
        for index in stride(from: 0, to: utf8.count, by: 2) {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        let addressLength = bytes.count - 12
        var port: Int32 = 0
        for byte in bytes[addressLength..<addressLength + 4] { port = port << 8 | Int32(byte) }
        var offset: Int64 = 0
        for byte in bytes[(addressLength + 4)...] { offset = offset << 8 | Int64(byte) }
        self.storeHost = MessageHost(address: Array(bytes[0..<addressLength]), port: port)
        self.commitLogOffset = offset
    }

    /// The uppercase hex text, written straight into the string's storage (one allocation).
    package var description: String {
        let address = storeHost.address
        return String(unsafeUninitializedCapacity: (address.count + 12) * 2) { out in
            var index = 0
            func put(_ byte: UInt8) {
                out[index] = Self.hexDigits[Int(byte >> 4)]
                out[index + 1] = Self.hexDigits[Int(byte & 0xF)]
                index += 2
            }
            for byte in address { put(byte) }
            for shift in stride(from: 24, through: 0, by: -8) {
                put(UInt8(truncatingIfNeeded: storeHost.port >> shift))
            }
            for shift in stride(from: 56, through: 0, by: -8) {
                put(UInt8(truncatingIfNeeded: commitLogOffset >> shift))
            }
            return index
        }
    }

    private static let hexDigits = Hex.uppercaseDigits
}
