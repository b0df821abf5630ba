/// Hex text of bytes and integers: the one encoder behind signatures, message ids, journal
/// fields and connector keys (lowercase unless a format asks for uppercase).
package enum Hex {
    /// `0…9a…f` as ASCII, for builders that write digits straight into a string's storage.
    package static let lowercaseDigits: [UInt8] = Array("0123456789abcdef".utf8)
    /// `0…9A…F` as ASCII (RocketMQ message ids).
    package static let uppercaseDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Two digits per byte, high nibble first.
    package static func encode(_ bytes: some Collection<UInt8>, uppercase: Bool = false) -> String {
        let digits = uppercase ? uppercaseDigits : lowercaseDigits
        return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            var index = 0
            for byte in bytes {
                out[index] = digits[Int(byte >> 4)]
                out[index + 1] = digits[Int(byte & 0xF)]
                index += 2
            }
            return index
        }
    }

    /// `value` as exactly 16 digits, zero-padded, most significant first.
    package static func encode(_ value: UInt64, uppercase: Bool = false) -> String {
        let digits = uppercase ? uppercaseDigits : lowercaseDigits
        return String(unsafeUninitializedCapacity: 16) { out in
            for index in 0..<16 { out[index] = digits[Int((value >> UInt64(60 - 4 * index)) & 0xF)] }
            return 16
        }
    }
}
