package import NIOCore

extension StoredMessage {
    /// The encoded record length of this message, or nil if a field exceeds the layout's limits
    /// (properties > 32767 bytes, topic > 65535 bytes, body > Int32.max).
    package func encodedLength(propertiesString: String? = nil) -> Int? {
        let props = (propertiesString ?? MessageProperties.encode(properties)).utf8.count
        let topicLength = topic.utf8.count
        guard props <= MessageProperties.maxEncodedLength, topicLength <= Int(UInt16.max) else { return nil }
        let length = StoredMessageLayout.recordLength(
            bodyLength: body.readableBytes, topicLength: topicLength, propertiesLength: props,
            bornHostV6: bornHost.isIPv6, storeHostV6: storeHost.isIPv6, v2: topicLength > 127)
        return length <= Int(Int32.max) ? length : nil
    }

    /// Appends this message as one record to `buffer` and returns the number of bytes written.
    ///
    /// BODYCRC is computed from ``body``; SYSFLAG's IPv6 bits follow the host fields; topics
    /// longer than 127 bytes use the V2 magic. `propertiesString`, if given, is written instead
    /// of encoding ``properties`` (lets callers keep an existing string byte-for-byte).
    @discardableResult
    package func encode(
        into buffer: inout ByteBuffer, propertiesString: String? = nil
    ) throws(MessageFormatError)
        -> Int
    {
        let props = propertiesString ?? MessageProperties.encode(properties)
        guard let length = encodedLength(propertiesString: props) else {
            throw MessageFormatError(.badLength, "message fields exceed the record layout limits")
        }
        var flags = sysFlag
        if bornHost.isIPv6 { flags.insert(.bornHostV6) } else { flags.remove(.bornHostV6) }
        if storeHost.isIPv6 { flags.insert(.storeHostV6) } else { flags.remove(.storeHostV6) }
        let topicLength = topic.utf8.count
        let v2 = topicLength > 127
        let crc = body.withUnsafeReadableBytes { CRC32.bodyCRC($0) }
        let start = buffer.writerIndex
        buffer.reserveCapacity(minimumWritableBytes: length)
        buffer.writeInteger(Int32(length))
        buffer.writeInteger(v2 ? StoredMessageLayout.magicV2 : StoredMessageLayout.magicV1)
        buffer.writeInteger(crc)
        buffer.writeInteger(queueID)
        buffer.writeInteger(flag)
        buffer.writeInteger(queueOffset)
        buffer.writeInteger(physicalOffset)
        buffer.writeInteger(flags.rawValue)
        buffer.writeInteger(bornTimestamp)
        buffer.writeBytes(bornHost.address)
        buffer.writeInteger(bornHost.port)
        buffer.writeInteger(storeTimestamp)
        buffer.writeBytes(storeHost.address)
        buffer.writeInteger(storeHost.port)
        buffer.writeInteger(reconsumeTimes)
        buffer.writeInteger(preparedTransactionOffset)
        buffer.writeInteger(Int32(body.readableBytes))
        buffer.writeImmutableBuffer(body)
        if v2 { buffer.writeInteger(UInt16(topicLength)) } else { buffer.writeInteger(UInt8(topicLength)) }
        buffer.writeString(topic)
        buffer.writeInteger(Int16(props.utf8.count))
        buffer.writeString(props)
        assert(buffer.writerIndex - start == length)
        return length
    }

    /// Decodes one record from the start of `raw` (which may hold more bytes after it).
    package static func decode(
        _ raw: UnsafeRawBufferPointer, verifyCRC: Bool = false
    ) throws(MessageFormatError)
        -> StoredMessage
    {
        let header = try StoredMessageHeader.parse(raw, verifyCRC: verifyCRC)
        var body = ByteBufferAllocator().buffer(capacity: header.bodyRange.count)
        body.writeBytes(UnsafeRawBufferPointer(rebasing: raw[header.bodyRange]))
        return StoredMessage(
            topic: header.topic, queueID: header.queueID, body: body,
            properties: MessageProperties.parse(header.propertiesString(in: raw)), flag: header.flag,
            sysFlag: header.sysFlag, bornTimestamp: header.bornTimestamp, bornHost: header.bornHost,
            storeHost: header.storeHost, reconsumeTimes: header.reconsumeTimes,
            preparedTransactionOffset: header.preparedTransactionOffset, queueOffset: header.queueOffset,
            physicalOffset: header.physicalOffset, storeTimestamp: header.storeTimestamp, bodyCRC: header.bodyCRC)
    }

    /// Reads one record from `buffer`, advancing its reader index; returns nil if fewer bytes
    /// than TOTALSIZE are readable (nothing is consumed then).
    package static func read(
        from buffer: inout ByteBuffer, verifyCRC: Bool = false
    ) throws(MessageFormatError)
        -> StoredMessage?
    {
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return nil }
        guard size >= 91 else { throw MessageFormatError(.badLength, "total size \(size)") }
        guard buffer.readableBytes >= Int(size) else { return nil }
        let result = buffer.withUnsafeReadableBytes { raw in
            Result { () throws(MessageFormatError) in try decode(raw, verifyCRC: verifyCRC) }
        }
        let message = try result.get()
        buffer.moveReaderIndex(forwardBy: Int(size))
        return message
    }

    /// Decodes every record of a pull body / commit-log slice (records concatenated).
    package static func decodeAll(
        _ buffer: ByteBuffer, verifyCRC: Bool = false
    ) throws(MessageFormatError)
        -> [StoredMessage]
    {
        var buffer = buffer
        var messages: [StoredMessage] = []
        while buffer.readableBytes > 0 {
            guard let message = try read(from: &buffer, verifyCRC: verifyCRC) else {
                throw MessageFormatError(.truncated, "\(buffer.readableBytes) trailing bytes")
            }
            messages.append(message)
        }
        return messages
    }
}
