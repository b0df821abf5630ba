/// CRC-32 (IEEE 802.3 / zlib polynomial, reflected 0xEDB88320), slice-by-8.
///
/// RocketMQ's BODYCRC is this CRC masked with `0x7FFFFFFF` — see ``CRC32/bodyCRC(_:)``.
package enum CRC32 {
    private static let tables: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for index in 0..<256 {
            var crc = UInt32(index)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
            table[index] = crc
        }
        for index in 0..<256 {
            var crc = table[index]
            for slice in 1..<8 {
                crc = table[Int(crc & 0xFF)] ^ (crc >> 8)
                table[slice * 256 + index] = crc
            }
        }
        return table
    }()

    /// Continues a CRC-32 over `bytes`, starting from `crc` (0 for a fresh checksum).
    package static func checksum(_ bytes: UnsafeRawBufferPointer, initial crc: UInt32 = 0) -> UInt32 {
        var crc = ~crc
        guard var pointer = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return ~crc }
        var remaining = bytes.count
        tables.withUnsafeBufferPointer { table in
            let t = table.baseAddress!
            while remaining >= 8 {
                let low =
                    UInt32(pointer[0]) | UInt32(pointer[1]) << 8 | UInt32(pointer[2]) << 16
                    | UInt32(pointer[3]) << 24
                let one = crc ^ low
                let high =
                    UInt32(pointer[4]) | UInt32(pointer[5]) << 8 | UInt32(pointer[6]) << 16
                    | UInt32(pointer[7]) << 24
                crc =
                    t[7 * 256 + Int(one & 0xFF)] ^ t[6 * 256 + Int((one >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((one >> 16) & 0xFF)] ^ t[4 * 256 + Int(one >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                pointer += 8
                remaining -= 8
            }
            while remaining > 0 {
                crc = t[Int((crc ^ UInt32(pointer.pointee)) & 0xFF)] ^ (crc >> 8)
                pointer += 1
                remaining -= 1
            }
        }
        return ~crc
    }

    /// CRC-32 of a byte array.
    package static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// RocketMQ BODYCRC: CRC-32 of the stored body masked with `0x7FFFFFFF`.
    package static func bodyCRC(_ body: UnsafeRawBufferPointer) -> UInt32 {
        checksum(body) & 0x7FFF_FFFF
    }
}
