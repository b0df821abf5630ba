/// Byte positions and constants of the stored-message layout (message-format.md §1).
///
/// All integers are big-endian. Positions up to BORNHOST are fixed; later ones shift by 12 per
/// IPv6 host.
package enum StoredMessageLayout {
    /// MAGICCODE of a V1 record (1-byte topic length).
    package static let magicV1: Int32 = -626_843_481  // 0xDAA320A7
    /// MAGICCODE of a V2 record (2-byte topic length, RMQ53).
    package static let magicV2: Int32 = -626_843_477  // 0xDAA320AB
    /// MAGICCODE of the end-of-segment blank marker (storage only).
    package static let blankMagic: Int32 = -875_286_124  // 0xCBD43194
    /// Minimum bytes an end-of-segment blank needs (TOTALSIZE + MAGICCODE).
    package static let endOfSegmentMinBlank = 8

    /// Position of TOTALSIZE.
    package static let totalSizePosition = 0
    /// Position of MAGICCODE.
    package static let magicPosition = 4
    /// Position of BODYCRC.
    package static let bodyCRCPosition = 8
    /// Position of QUEUEID.
    package static let queueIDPosition = 12
    /// Position of FLAG.
    package static let flagPosition = 16
    /// Position of QUEUEOFFSET.
    package static let queueOffsetPosition = 20
    /// Position of PHYSICALOFFSET.
    package static let physicalOffsetPosition = 28
    /// Position of SYSFLAG.
    package static let sysFlagPosition = 36
    /// Position of BORNTIMESTAMP.
    package static let bornTimestampPosition = 40
    /// Position of BORNHOST.
    package static let bornHostPosition = 48

    /// Position of STORETIMESTAMP for a given sysflag (56, or 68 with an IPv6 born host).
    package static func storeTimestampPosition(sysFlag: MessageSysFlag) -> Int {
        bornHostPosition + (sysFlag.contains(.bornHostV6) ? 20 : 8)
    }

    /// Encoded record length for the given field sizes (V1 layout; V2 adds one byte).
    package static func recordLength(
        bodyLength: Int, topicLength: Int, propertiesLength: Int, bornHostV6: Bool = false,
        storeHostV6: Bool = false, v2: Bool = false
    ) -> Int {
        91 + bodyLength + topicLength + propertiesLength + (bornHostV6 ? 12 : 0) + (storeHostV6 ? 12 : 0)
            + (v2 ? 1 : 0)
    }

    /// Reads a big-endian integer at `offset` of `raw` (caller guarantees bounds).
    @inline(__always)
    package static func load<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, _ offset: Int, as: T.Type) -> T {
        T(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// Writes a big-endian integer at `offset` of `raw` (caller guarantees bounds).
    @inline(__always)
    package static func store<T: FixedWidthInteger>(_ value: T, _ raw: UnsafeMutableRawBufferPointer, _ offset: Int) {
        raw.storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
    }
}
