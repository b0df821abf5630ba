import CometCore
import CometProtocol

extension MessagingFacade {
    /// Commits or rolls back the half message stored at `commitLogOffset` (queue offset
    /// `queueOffset` of the half topic), sent to `topic` by a v5 producer.
    package func endTransaction(
        topic: String, messageID: String, commitLogOffset: Int64, queueOffset: Int64, commit: Bool, fromCheck: Bool
    ) async throws(Failure) {
        let store = try store
        // v5 half messages carry their topic as producer group (see the gRPC send path).
        let header = EndTransactionRequestHeader(
            producerGroup: topic, tranStateTableOffset: queueOffset, commitLogOffset: commitLogOffset,
            commitOrRollback: commit ? TransactionResolution.commit.rawValue : TransactionResolution.rollback.rawValue,
            fromTransactionCheck: fromCheck, msgId: messageID)
        let (code, remark) = await controller.transactions.endTransaction(header, store: store)
        guard code == .success else {
            throw Failure(.invalidTransaction, remark ?? "the transaction cannot be ended")
        }
    }

    /// Installs how half messages of v5 producers are checked back: `check` gets the producer
    /// group (the topic), the half message with its real topic, and its offsets; it returns
    /// whether a producer was asked.
    package func setTransactionChecker(_ check: @escaping ProducerManager.ExternalTransactionChecker) {
        controller.producers.setExternalChecker(check)
    }
}
