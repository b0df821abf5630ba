/// The SYSFLAG bit set of a stored message (message-format.md §2).
///
/// Distinct from the pull-request sysFlag bits. Unknown bits are preserved as-is.
package struct MessageSysFlag: OptionSet, Sendable, Hashable {
    /// The raw 32-bit value as stored in the record.
    package var rawValue: Int32

    /// Creates a flag set from its raw stored value.
    package init(rawValue: Int32) { self.rawValue = rawValue }

    /// Body is compressed (zlib unless compression-type bits say otherwise).
    package static let compressed = MessageSysFlag(rawValue: 0x1)
    /// Set by the broker when the topic's filter type is MULTI_TAG.
    package static let multiTags = MessageSysFlag(rawValue: 0x2)
    /// BORNHOST is a 16-byte IPv6 address.
    package static let bornHostV6 = MessageSysFlag(rawValue: 0x10)
    /// STOREHOST is a 16-byte IPv6 address.
    package static let storeHostV6 = MessageSysFlag(rawValue: 0x20)
    /// 5.x NEED_UNWRAP.
    package static let needUnwrap = MessageSysFlag(rawValue: 0x40)
    /// 5.x INNER_BATCH.
    package static let innerBatch = MessageSysFlag(rawValue: 0x80)

    /// Transaction type carried in bits 2–3.
    package enum TransactionType: Int32, Sendable, Hashable {
        /// Not a transactional message.
        case notType = 0x0
        /// A prepared (half) message.
        case prepared = 0x4
        /// A committed transactional message.
        case commit = 0x8
        /// A rolled-back transactional message.
        case rollback = 0xC
    }

    /// The transaction type bits (mask 0xC).
    package var transactionType: TransactionType {
        get { TransactionType(rawValue: rawValue & 0xC)! }
        set { rawValue = (rawValue & ~0xC) | newValue.rawValue }
    }

    /// Whether records with this flag get a consume-queue entry and a queue offset
    /// (NOT_TYPE and COMMIT do; PREPARED and ROLLBACK do not).
    package var isDispatchedToConsumeQueue: Bool {
        switch transactionType {
        case .notType, .commit: return true
        case .prepared, .rollback: return false
        }
    }
}
