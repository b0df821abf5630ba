import CometCore
import CometProtocol
import CometRemoting
import Logging
import NIOCore

extension BrokerProcessor {
    /// GET_BROKER_CONFIG (26): `key=value` lines of every setting in force; response field
    /// `version` carries the change counter.
    func brokerConfig(_ request: RemotingCommand) -> RemotingCommand {
        let (text, version) = controller.brokerConfig.formatted()
        return .response(
            to: request, header: ConfigVersionResponseHeader(version: version), body: ByteBuffer(string: text))
    }

    /// UPDATE_BROKER_CONFIG (25): properties text applied to the running broker and persisted.
    /// Settings fixed at start-up (listen port, store layout) are persisted and apply after a
    /// restart; a `brokerPermission` change re-registers with the name servers at once.
    func updateBrokerConfig(_ request: RemotingCommand) throws -> RemotingCommand {
        guard let body = request.body, body.readableBytes > 0 else { return .response(to: request) }
        guard let text = body.getString(at: body.readerIndex, length: body.readableBytes) else {
            return .response(to: request, code: .systemError, remark: "string2Properties error")
        }
        if BrokerConfigManager.touchesBlackList(text) {
            return .response(to: request, code: .noPermission, remark: "Can not update config in black list.")
        }
        let update: BrokerConfigManager.Update
        do {
            update = try controller.brokerConfig.update(text, now: controller.clock.nowMillis())
        } catch {
            return .response(to: request, code: .systemError, remark: "string2Properties error: \(error.message)")
        }
        if update.permissionChanged {
            try controller.topics.touch()
            controller.topicsChanged()
        }
        // brokerRole=ASYNC_MASTER|SYNC_MASTER with brokerId=0 on a running slave is a promote
        // (`comet admin promote`): it takes effect now, and the file says so for the next start.
        let newRole = controller.configuration.role
        if controller.replication.role == .slave && newRole.isMaster {
            try controller.replication.promote(to: newRole)
            controller.topicsChanged()
        }
        controller.logger.info(
            "broker configuration updated",
            metadata: [
                "changed": "\(update.changed)", "needRestart": "\(update.needRestart)", "ignored": "\(update.ignored)",
                "file": "\(controller.brokerConfig.file)",
            ])
        return .response(to: request)
    }
}
