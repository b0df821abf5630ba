/// A validated, zero-copy view of one stored record's fields inside a raw byte region.
///
/// ``parse(_:verifyCRC:)`` checks TOTALSIZE against the field lengths, the magic code and
/// (optionally) BODYCRC, so it doubles as the store's recovery check. Variable-length fields are
/// reported as ranges relative to the start of the record.
package struct StoredMessageHeader: Sendable, Hashable {
    /// TOTALSIZE.
    package var totalSize: Int
    /// MAGICCODE (V1 or V2).
    package var magic: Int32
    /// BODYCRC as stored.
    package var bodyCRC: UInt32
    /// QUEUEID.
    package var queueID: Int32
    /// FLAG.
    package var flag: Int32
    /// QUEUEOFFSET.
    package var queueOffset: Int64
    /// PHYSICALOFFSET.
    package var physicalOffset: Int64
    /// SYSFLAG.
    package var sysFlag: MessageSysFlag
    /// BORNTIMESTAMP (ms).
    package var bornTimestamp: Int64
    /// BORNHOST.
    package var bornHost: MessageHost
    /// STORETIMESTAMP (ms).
    package var storeTimestamp: Int64
    /// STOREHOST.
    package var storeHost: MessageHost
    /// RECONSUMETIMES.
    package var reconsumeTimes: Int32
    /// PREPARED TRANSACTION OFFSET.
    package var preparedTransactionOffset: Int64
    /// Byte range of BODY within the record.
    package var bodyRange: Range<Int>
    /// TOPIC.
    package var topic: String
    /// Byte range of PROPERTIES within the record.
    package var propertiesRange: Range<Int>

    /// Result of peeking at the first 8 bytes of a position in a segment.
    package enum Peek: Sendable, Hashable {
        /// A message record of this total size (not yet validated).
        case message(totalSize: Int)
        /// An end-of-segment blank covering this many bytes.
        case blank(totalSize: Int)
        /// Zeroes, garbage or too few bytes: the end of valid data.
        case invalid
    }

    /// Classifies the bytes at the start of `raw` without validating the record.
    package static func peek(_ raw: UnsafeRawBufferPointer) -> Peek {
        guard raw.count >= 8 else { return .invalid }
        let size = Int(StoredMessageLayout.load(raw, 0, as: Int32.self))
        let magic = StoredMessageLayout.load(raw, 4, as: Int32.self)
        switch magic {
        case StoredMessageLayout.magicV1, StoredMessageLayout.magicV2:
            return size >= 91 && size <= raw.count ? .message(totalSize: size) : .invalid
        case StoredMessageLayout.blankMagic:
            return size >= 8 && size <= raw.count ? .blank(totalSize: size) : .invalid
        default:
            return .invalid
        }
    }

    /// Parses and validates the record at the start of `raw` (which may extend past the record).
    package static func parse(
        _ raw: UnsafeRawBufferPointer, verifyCRC: Bool = true
    ) throws(MessageFormatError)
        -> StoredMessageHeader
    {
        typealias L = StoredMessageLayout
        guard raw.count >= 8 else { throw MessageFormatError(.truncated, "need 8 bytes, have \(raw.count)") }
        let totalSize = Int(L.load(raw, 0, as: Int32.self))
        let magic = L.load(raw, 4, as: Int32.self)
        guard magic == L.magicV1 || magic == L.magicV2 else {
            throw MessageFormatError(.badMagic, "magic code \(magic)")
        }
        guard totalSize >= 91, totalSize <= raw.count else {
            throw MessageFormatError(.badLength, "total size \(totalSize) with \(raw.count) bytes available")
        }
        let record = UnsafeRawBufferPointer(rebasing: raw[0..<totalSize])
        let sysFlag = MessageSysFlag(rawValue: L.load(record, L.sysFlagPosition, as: Int32.self))
        var position = L.bornHostPosition
        func need(_ count: Int) throws(MessageFormatError) {
            guard position + count <= totalSize else {
                throw MessageFormatError(.badLength, "field at \(position)+\(count) beyond total size \(totalSize)")
            }
        }
        func host(v6: Bool) throws(MessageFormatError) -> MessageHost {
            let length = v6 ? 16 : 4
            try need(length + 4)
            let address = Array(record[position..<position + length])
            let port = L.load(record, position + length, as: Int32.self)
            position += length + 4
            return MessageHost(address: address, port: port)
        }
        let bornHost = try host(v6: sysFlag.contains(.bornHostV6))
        try need(8)
        let storeTimestamp = L.load(record, position, as: Int64.self)
        position += 8
        let storeHost = try host(v6: sysFlag.contains(.storeHostV6))
        try need(16)
        let reconsumeTimes = L.load(record, position, as: Int32.self)
        let preparedOffset = L.load(record, position + 4, as: Int64.self)
        position += 12
        let bodyLength = Int(L.load(record, position, as: Int32.self))
        position += 4
        guard bodyLength >= 0 else { throw MessageFormatError(.badLength, "negative body length") }
        try need(bodyLength)
        let bodyRange = position..<position + bodyLength
        position += bodyLength
        let topicLength: Int
        if magic == L.magicV2 {
            try need(2)
            topicLength = Int(L.load(record, position, as: UInt16.self))
            position += 2
        } else {
            try need(1)
            topicLength = Int(record[position])
            position += 1
        }
        try need(topicLength)
        guard let topic = String(validating: record[position..<position + topicLength], as: UTF8.self) else {
            throw MessageFormatError(.badField, "topic is not UTF-8")
        }
        position += topicLength
        try need(2)
        let propertiesLength = Int(L.load(record, position, as: Int16.self))
        position += 2
        guard propertiesLength >= 0 else { throw MessageFormatError(.badLength, "negative properties length") }
        try need(propertiesLength)
        let propertiesRange = position..<position + propertiesLength
        position += propertiesLength
        guard position == totalSize else {
            throw MessageFormatError(.badLength, "fields end at \(position), total size \(totalSize)")
        }
        let bodyCRC = L.load(record, L.bodyCRCPosition, as: UInt32.self)
        if verifyCRC {
            let actual = CRC32.bodyCRC(UnsafeRawBufferPointer(rebasing: record[bodyRange]))
            guard actual == bodyCRC else {
                throw MessageFormatError(.badCRC, "body CRC \(actual) != stored \(bodyCRC)")
            }
        }
        return StoredMessageHeader(
            totalSize: totalSize, magic: magic, bodyCRC: bodyCRC,
            queueID: L.load(record, L.queueIDPosition, as: Int32.self),
            flag: L.load(record, L.flagPosition, as: Int32.self),
            queueOffset: L.load(record, L.queueOffsetPosition, as: Int64.self),
            physicalOffset: L.load(record, L.physicalOffsetPosition, as: Int64.self), sysFlag: sysFlag,
            bornTimestamp: L.load(record, L.bornTimestampPosition, as: Int64.self), bornHost: bornHost,
            storeTimestamp: storeTimestamp, storeHost: storeHost, reconsumeTimes: reconsumeTimes,
            preparedTransactionOffset: preparedOffset, bodyRange: bodyRange, topic: topic,
            propertiesRange: propertiesRange)
    }

    /// Decodes the property string of this record from the same raw region given to ``parse(_:verifyCRC:)``.
    package func propertiesString(in raw: UnsafeRawBufferPointer) -> String {
        String(decoding: raw[propertiesRange], as: UTF8.self)
    }
}
