import CometCore
import CometProtocol
import CometRemoting
import CometStore
import Logging

extension BrokerProcessor {
    /// END_TRANSACTION (37): commit delivers the half message, rollback drops it, unknown leaves
    /// it for the check-back (RocketMQ `EndTransactionProcessor`).
    func endTransaction(_ request: RemotingCommand, store: MessageStore) async throws -> RemotingCommand {
        let header = try request.decodeHeader(EndTransactionRequestHeader.self)
        guard controller.configuration.brokerPermission.contains(.write) else {
            return .response(
                to: request, code: .noPermission,
                remark: "the broker[\(controller.configuration.brokerName)] sending message is forbidden")
        }
        let (code, remark) = await controller.transactions.endTransaction(header, store: store)
        if code != .success {
            controller.logger.info(
                "END_TRANSACTION refused",
                metadata: [
                    "group": "\(header.producerGroup)", "offset": "\(header.commitLogOffset)",
                    "reason": "\(remark ?? "")",
                ])
        }
        return .response(to: request, code: code, remark: remark)
    }
}
