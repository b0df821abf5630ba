import CometCore
import CometProtocol
import CometRemoting
public import Logging
import NIOCore

/// The outcome of a local transaction.
public enum TransactionState: Sendable, Hashable {
    /// Deliver the message.
    case commit
    /// Drop the message.
    case rollback
    /// Not decided yet: the broker asks the ``TransactionProducer``'s checker later.
    case unknown
}

/// Sends transactional messages: a half message (invisible to consumers) is stored first, the local
/// transaction runs, then the message is committed or rolled back. When the outcome is unknown (or
/// the producer died), the broker later asks a live producer of the group through `checker`.
///
/// ```swift
/// let producer = TransactionProducer(group: "payments", configuration: configuration) { message in
///     await ledger.contains(message.keys.first ?? "") ? .commit : .rollback
/// }
/// try await producer.start()
/// let (result, state) = try await producer.send(Message(topic: "Payments", text: "…", keys: ["tx-1"])) { _, _ in
///     await ledger.record("tx-1") ? .commit : .rollback
/// }
/// ```
public final class TransactionProducer: Sendable {
    /// Answers the broker's check for a half message whose transaction is still open.
    public typealias Checker = @Sendable (ReceivedMessage) async -> TransactionState
    /// Runs the local transaction once the half message is stored.
    public typealias LocalTransaction = @Sendable (Message, SendResult) async -> TransactionState

    let producer: Producer

    /// A transactional producer of `group`; `checker` answers check-backs from brokers.
    public init(
        group: String, configuration: ClientConfiguration, options: Producer.Options = Producer.Options(),
        logger: Logger = Logger(label: "comet.transaction-producer"), checker: @escaping Checker
    ) {
        producer = Producer(
            group: group, configuration: configuration, options: options, logger: logger,
            onServerRequest: { request, connection in
                guard request.requestCode == .checkTransactionState else {
                    return .response(to: request, code: .requestCodeNotSupported)
                }
                await Self.answerCheck(request, connection: connection, group: group, checker: checker, logger: logger)
                return nil
            })
    }

    /// The producer group; the broker asks live producers of this group to check open transactions.
    public var group: String { producer.group }

    /// Starts background route refresh and heartbeats (brokers learn this producer can answer checks).
    public func start() async throws(ClientError) { try await producer.start() }

    /// Stops background work and closes connections.
    public func shutdown() async { await producer.shutdown() }

    /// Stores `message` as a half message, runs `local`, and commits or rolls back by its answer.
    /// Returns the send result and the state reported to the broker.
    public func send(
        _ message: Message, executing local: LocalTransaction
    ) async throws(ClientError)
        -> (SendResult, TransactionState)
    {
        guard message.delayLevel == 0, message.deliverAt == nil else {
            throw ClientError(.illegalMessage, "transactional messages cannot be delayed")
        }
        var half = message
        half.properties[MessagePropertyKey.transactionPrepared] = "true"
        half.properties[MessagePropertyKey.producerGroup] = producer.group
        let result = try await producer.send(half)
        let state = await local(message, result)
        try await end(result, state: state)
        return (result, state)
    }

    private func end(_ result: SendResult, state: TransactionState) async throws(ClientError) {
        guard let offsetId = OffsetMessageID(result.offsetMessageId) else {
            throw ClientError(.brokerError, "the broker's message id \(result.offsetMessageId) is not an offset id")
        }
        let header = EndTransactionRequestHeader(
            producerGroup: producer.group, tranStateTableOffset: result.queueOffset,
            commitLogOffset: offsetId.commitLogOffset, commitOrRollback: state.wire, msgId: result.messageId,
            transactionId: result.messageId)
        guard let address = producer.instance.masterAddress(result.queue.brokerName) else {
            throw ClientError(.noRoute, "no master for broker \(result.queue.brokerName)")
        }
        try await producer.instance.callOneway(.request(.endTransaction, header: header), broker: address)
    }

    private static func answerCheck(
        _ request: RemotingCommand, connection: RemotingConnection, group: String, checker: Checker, logger: Logger
    ) async {
        do {
            let header = try request.decodeHeader(CheckTransactionStateRequestHeader.self)
            guard let body = request.body else { return }
            let messages = try ClientInstance.decode(body, brokerName: "")
            guard let message = messages.first else { return }
            let state = await checker(message)
            let end = EndTransactionRequestHeader(
                producerGroup: group, tranStateTableOffset: header.tranStateTableOffset,
                commitLogOffset: header.commitLogOffset, commitOrRollback: state.wire, fromTransactionCheck: true,
                msgId: header.msgId ?? message.messageId, transactionId: header.transactionId ?? message.messageId)
            try await connection.invokeOneway(.request(.endTransaction, header: end))
        } catch {
            logger.warning("cannot answer a transaction check: \(error)")
        }
    }
}

extension TransactionState {
    var wire: Int32 {
        switch self {
        case .commit: return TransactionResolution.commit.rawValue
        case .rollback: return TransactionResolution.rollback.rawValue
        case .unknown: return TransactionResolution.unknown.rawValue
        }
    }
}
