import CometCore
import NIOCore

/// A message encoded on the caller's task, ready for the writer to copy and patch.
///
/// Encoding, CRC and property parsing happen off the writer thread; the writer only copies the
/// bytes into the mapping and fills QUEUEOFFSET, PHYSICALOFFSET and STORETIMESTAMP.
struct PreparedRecord: Sendable {
    var bytes: ByteBuffer
    var key: QueueKey
    var tagsCode: Int64
    var indexKeys: [String]
    var dispatchToQueue: Bool
    var storeTimestampPosition: Int

    init(_ message: StoredMessage, configuration: MessageStoreConfiguration) throws(StoreError) {
        try TopicValidator.validate(message.topic)
        guard message.queueID >= 0 else { throw StoreError(.invalidMessage, "negative queue id \(message.queueID)") }
        let properties = MessageProperties.encode(message.properties)
        guard properties.utf8.count <= MessageProperties.maxEncodedLength else {
            throw StoreError(.propertiesTooLarge, "properties are \(properties.utf8.count) bytes, max 32767")
        }
        var message = message
        message.storeHost = configuration.storeHost
        message.queueOffset = 0
        message.physicalOffset = 0
        message.storeTimestamp = 0
        guard let length = message.encodedLength(propertiesString: properties),
            length <= configuration.maxMessageSize
        else {
            throw StoreError(.messageTooLarge, "message exceeds \(configuration.maxMessageSize) bytes")
        }
        var buffer = ByteBufferAllocator().buffer(capacity: length)
        do {
            try message.encode(into: &buffer, propertiesString: properties)
        } catch {
            throw StoreError(.invalidMessage, "\(error)")
        }
        self.bytes = buffer
        self.key = QueueKey(topic: message.topic, queueID: message.queueID)
        self.tagsCode = TagHashCode.tagsCode(message.tags)
        var keys = message.keys
        if let unique = message.uniqueKey { keys.append(unique) }
        self.indexKeys = keys
        self.dispatchToQueue = message.sysFlag.isDispatchedToConsumeQueue
        var flags = message.sysFlag
        if message.bornHost.isIPv6 { flags.insert(.bornHostV6) } else { flags.remove(.bornHostV6) }
        self.storeTimestampPosition = StoredMessageLayout.storeTimestampPosition(sysFlag: flags)
    }
}
