import CometCore
import CometProtocol
import CometRemoting
import Logging

extension BrokerProcessor {
    /// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200): the body replaces the group's settings, which
    /// are persisted and take effect at once (retries before the DLQ, consume and broadcast
    /// permission).
    func updateSubscriptionGroup(_ request: RemotingCommand) throws -> RemotingCommand {
        let config = try SubscriptionGroupConfig(body: request.body)
        try controller.groups.update(config)
        controller.logger.info(
            "subscription group created or updated",
            metadata: [
                "group": "\(config.groupName)", "retryMaxTimes": "\(config.retryMaxTimes)",
                "consumeEnable": "\(config.consumeEnable)",
                "consumeBroadcastEnable": "\(config.consumeBroadcastEnable)",
            ])
        return .response(to: request)
    }

    /// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201): every group with the table's data version (what a
    /// slave copies and mqadmin lists).
    func allSubscriptionGroups(_ request: RemotingCommand) -> RemotingCommand {
        .response(to: request, body: controller.groups.snapshot.encoded())
    }

    /// DELETE_SUBSCRIPTIONGROUP (207): removes the group's settings and, with `removeOffset`, its
    /// committed offsets on every topic.
    func deleteSubscriptionGroup(_ request: RemotingCommand) throws -> RemotingCommand {
        let header = try request.decodeHeader(DeleteSubscriptionGroupRequestHeader.self)
        _ = try controller.groups.delete(header.groupName)
        if header.removeOffset { controller.offsets.removeGroup(header.groupName) }
        controller.logger.info(
            "subscription group deleted",
            metadata: ["group": "\(header.groupName)", "removeOffset": "\(header.removeOffset)"])
        return .response(to: request)
    }

    /// CHECK_CLIENT_CONFIG (46, RocketMQ `ClientManageProcessor.checkClientConfig`): a Java
    /// consumer with a non-TAG subscription asks at start whether the broker can filter it.
    func checkClientConfig(_ request: RemotingCommand) throws -> RemotingCommand {
        let body = try CheckClientRequestBody(body: request.body)
        guard let subscription = body.subscriptionData else { return .response(to: request) }
        let type = subscription.expressionType.uppercased()
        if type.isEmpty || type == "TAG" { return .response(to: request) }
        guard type == "SQL92" else {
            return .response(
                to: request, code: .systemError,
                remark: "The broker does not support consumer to filter message by \(subscription.expressionType)")
        }
        do {
            _ = try controller.sqlFilters.filter(
                group: body.group ?? "", topic: subscription.topic, expression: subscription.subString)
        } catch {
            return .response(to: request, code: .subscriptionParseFailed, remark: error.message)
        }
        return .response(to: request)
    }
}
