import CometCore

/// How a producer resolves a transaction in END_TRANSACTION (the sysflag transaction values).
package enum TransactionResolution: Int32, Sendable {
    /// Unknown / not decided yet: the broker keeps the half message and checks back later.
    case unknown = 0
    /// Deliver the half message to its real topic.
    case commit = 8
    /// Drop the half message.
    case rollback = 12
}

/// END_TRANSACTION (37) request header (remoting-protocol.md §4.9).
package struct EndTransactionRequestHeader: CommandHeader, Equatable {
    /// Producer group (must match the half message's PGROUP).
    package var producerGroup: String
    /// Queue offset of the half message in the half topic.
    package var tranStateTableOffset: Int64
    /// Commit-log offset of the half message.
    package var commitLogOffset: Int64
    /// 0 unknown, 8 commit, 12 rollback (other values are kept and treated as unknown).
    package var commitOrRollback: Int32
    /// Whether this answers a CHECK_TRANSACTION_STATE (C++ "0"/"1", Java "true"/"false").
    package var fromTransactionCheck: Bool
    /// The message's UNIQ_KEY.
    package var msgId: String
    /// Transaction id.
    package var transactionId: String?

    package init(
        producerGroup: String, tranStateTableOffset: Int64, commitLogOffset: Int64, commitOrRollback: Int32,
        fromTransactionCheck: Bool = false, msgId: String, transactionId: String? = nil
    ) {
        self.producerGroup = producerGroup
        self.tranStateTableOffset = tranStateTableOffset
        self.commitLogOffset = commitLogOffset
        self.commitOrRollback = commitOrRollback
        self.fromTransactionCheck = fromTransactionCheck
        self.msgId = msgId
        self.transactionId = transactionId
    }

    package static let fieldDefaults = ["fromTransactionCheck": "false", "msgId": ""]

    /// The resolution, if the code is one of 0, 8, 12.
    package var resolution: TransactionResolution? { TransactionResolution(rawValue: commitOrRollback) }
}

/// CHECK_TRANSACTION_STATE (39) request header, broker → producer, oneway (remoting-protocol.md §4.9).
package struct CheckTransactionStateRequestHeader: CommandHeader, Equatable {
    /// Queue offset of the half message in the half topic.
    package var tranStateTableOffset: Int64
    /// Commit-log offset of the half message.
    package var commitLogOffset: Int64
    /// The message's UNIQ_KEY.
    package var msgId: String?
    /// Transaction id (the UNIQ_KEY when the producer set none).
    package var transactionId: String?
    /// Offset message id of the half record.
    package var offsetMsgId: String?

    package init(
        tranStateTableOffset: Int64, commitLogOffset: Int64, msgId: String? = nil, transactionId: String? = nil,
        offsetMsgId: String? = nil
    ) {
        self.tranStateTableOffset = tranStateTableOffset
        self.commitLogOffset = commitLogOffset
        self.msgId = msgId
        self.transactionId = transactionId
        self.offsetMsgId = offsetMsgId
    }
}
