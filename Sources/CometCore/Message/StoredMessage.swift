package import NIOCore

/// One message in the stored / pull-transfer layout (message-format.md §1), fully decoded.
///
/// The broker builds one to append (the store fills in offsets, store timestamp and CRC) and
/// the decoder returns one per record of a pull body or commit-log slice.
package struct StoredMessage: Sendable, Hashable {
    /// QUEUEID.
    package var queueID: Int32
    /// FLAG (user flag from the producer).
    package var flag: Int32
    /// QUEUEOFFSET (assigned by the store).
    package var queueOffset: Int64
    /// PHYSICALOFFSET (assigned by the store).
    package var physicalOffset: Int64
    /// SYSFLAG. The IPv6 host bits are derived from the host fields when encoding.
    package var sysFlag: MessageSysFlag
    /// BORNTIMESTAMP (producer ms).
    package var bornTimestamp: Int64
    /// BORNHOST.
    package var bornHost: MessageHost
    /// STORETIMESTAMP (broker ms, assigned by the store).
    package var storeTimestamp: Int64
    /// STOREHOST.
    package var storeHost: MessageHost
    /// RECONSUMETIMES.
    package var reconsumeTimes: Int32
    /// PREPARED TRANSACTION OFFSET.
    package var preparedTransactionOffset: Int64
    /// BODY as stored (compressed bytes if ``MessageSysFlag/compressed``).
    package var body: ByteBuffer
    /// TOPIC (≤ 127 UTF-8 bytes for V1 records; longer topics are encoded as V2).
    package var topic: String
    /// Properties as a dictionary (encoded in sorted key order).
    package var properties: [String: String]
    /// BODYCRC as read (only meaningful after decoding; encoding always recomputes it).
    package var bodyCRC: UInt32

    /// Creates a message to be encoded; store-assigned fields default to zero.
    package init(
        topic: String, queueID: Int32, body: ByteBuffer, properties: [String: String] = [:], flag: Int32 = 0,
        sysFlag: MessageSysFlag = [], bornTimestamp: Int64 = 0, bornHost: MessageHost = .unspecified,
        storeHost: MessageHost = .unspecified, reconsumeTimes: Int32 = 0, preparedTransactionOffset: Int64 = 0,
        queueOffset: Int64 = 0, physicalOffset: Int64 = 0, storeTimestamp: Int64 = 0, bodyCRC: UInt32 = 0
    ) {
        self.topic = topic
        self.queueID = queueID
        self.body = body
        self.properties = properties
        self.flag = flag
        self.sysFlag = sysFlag
        self.bornTimestamp = bornTimestamp
        self.bornHost = bornHost
        self.storeHost = storeHost
        self.reconsumeTimes = reconsumeTimes
        self.preparedTransactionOffset = preparedTransactionOffset
        self.queueOffset = queueOffset
        self.physicalOffset = physicalOffset
        self.storeTimestamp = storeTimestamp
        self.bodyCRC = bodyCRC
    }

    /// The `TAGS` property, if any.
    package var tags: String? { properties[MessagePropertyKey.tags] }
    /// The space-separated `KEYS` property split into keys.
    package var keys: [String] { MessageProperties.splitKeys(properties[MessagePropertyKey.keys]) }
    /// The `UNIQ_KEY` property, if any.
    package var uniqueKey: String? { properties[MessagePropertyKey.uniqueKey] }
}
