package import CometCore
package import NIOCore

/// The compact binary header form (serialize type 1, "ROCKETMQ"), big-endian:
/// code i16, language u8, version i16, opaque i32, flag i32, remark (i32 length + UTF-8),
/// extFields (i32 total length, then per entry i16 key length, key, i32 value length, value).
package enum BinaryHeaderCodec {
    /// Decodes a header; `header` holds exactly the header bytes.
    package static func decode(_ header: ByteBuffer) throws(CometError) -> RemotingCommand {
        var buffer = header
        guard let code = buffer.readInteger(as: Int16.self),
            let language = buffer.readInteger(as: UInt8.self),
            let version = buffer.readInteger(as: Int16.self),
            let opaque = buffer.readInteger(as: Int32.self),
            let flag = buffer.readInteger(as: Int32.self),
            let remarkLength = buffer.readInteger(as: Int32.self)
        else { throw CometError(.malformedHeader, "binary header shorter than its fixed part") }
        var command = RemotingCommand(
            code: Int32(code), language: LanguageCode(rawValue: language), version: Int32(version), opaque: opaque,
            flag: flag, serializeType: .rocketmq)
        if remarkLength > 0 {
            guard let remark = buffer.readString(length: Int(remarkLength)) else {
                throw CometError(.malformedHeader, "binary header remark length \(remarkLength) exceeds the header")
            }
            command.remark = remark
        } else if remarkLength < 0 {
            throw CometError(.malformedHeader, "binary header remark length is negative")
        }
        guard let extLength = buffer.readInteger(as: Int32.self), extLength >= 0,
            var ext = buffer.readSlice(length: Int(extLength))
        else { throw CometError(.malformedHeader, "binary header extFields length is invalid") }
        command.extFields = ExtFields(minimumCapacity: 16)
        while ext.readableBytes > 0 {
            guard let keyLength = ext.readInteger(as: Int16.self), keyLength >= 0,
                let key = ext.readString(length: Int(keyLength)),
                let valueLength = ext.readInteger(as: Int32.self), valueLength >= 0,
                let value = ext.readString(length: Int(valueLength))
            else { throw CometError(.malformedHeader, "binary header extFields entry is truncated") }
            command.extFields.append(key, value)
        }
        return command
    }

    /// Appends the binary header of `command` to `buffer`, or throws `.frameTooLarge` for a
    /// field its length prefix cannot describe (an extFields key over 32 KiB, a value or remark
    /// over 2 GiB); `buffer` may then hold a partial header.
    package static func encode(_ command: RemotingCommand, into buffer: inout ByteBuffer) throws(CometError) {
        if let remark = command.remark, remark.utf8.count > Int32.max {
            throw CometError(.frameTooLarge, "remark of \(remark.utf8.count) bytes does not fit the binary header")
        }
        for (key, value) in command.extFields {
            guard key.utf8.count <= Int16.max else {
                throw CometError(
                    .frameTooLarge,
                    "extFields key of \(key.utf8.count) bytes exceeds the binary header's 32 KiB key limit")
            }
            guard value.utf8.count <= Int32.max else {
                throw CometError(
                    .frameTooLarge, "extFields value of \(value.utf8.count) bytes does not fit the binary header")
            }
        }
        buffer.writeInteger(Int16(truncatingIfNeeded: command.code))
        buffer.writeInteger(command.language.rawValue)
        buffer.writeInteger(Int16(truncatingIfNeeded: command.version))
        buffer.writeInteger(command.opaque)
        buffer.writeInteger(command.flag)
        if let remark = command.remark, !remark.isEmpty {
            buffer.writeInteger(Int32(remark.utf8.count))
            buffer.writeString(remark)
        } else {
            buffer.writeInteger(Int32(0))
        }
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        for (key, value) in command.extFields {
            buffer.writeInteger(Int16(key.utf8.count))
            buffer.writeString(key)
            buffer.writeInteger(Int32(value.utf8.count))
            buffer.writeString(value)
        }
        // Headers over 16 MiB are refused by the frame encoder, so truncation never reaches the wire.
        buffer.setInteger(Int32(truncatingIfNeeded: buffer.writerIndex - lengthIndex - 4), at: lengthIndex)
    }
}
