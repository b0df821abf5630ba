import CometCore
import CometProtocol
import CometRemoting
import CometStore
import Logging
import NIOCore

extension BrokerProcessor {
    /// GET_CONSUMER_CONNECTION_LIST (203): a group's live members and their subscriptions.
    func consumerConnections(_ request: RemotingCommand) throws -> RemotingCommand {
        let header = try request.decodeHeader(ConsumerGroupHeader.self)
        guard let info = controller.consumers.group(header.consumerGroup), !info.channels.isEmpty else {
            return .response(
                to: request, code: .consumerNotOnline, remark: "the consumer group[\(header.consumerGroup)] not online")
        }
        let body = ConsumerConnection(
            connectionSet: info.channels.values.map(\.connectionInfo), subscriptionTable: info.subscriptions,
            consumeType: info.consumeType, messageModel: info.messageModel, consumeFromWhere: info.consumeFromWhere)
        return .response(to: request, body: body.encoded())
    }

    /// GET_PRODUCER_CONNECTION_LIST (204).
    func producerConnections(_ request: RemotingCommand) throws -> RemotingCommand {
        let header = try request.decodeHeader(ProducerGroupHeader.self)
        let channels = controller.producers.channels(group: header.producerGroup)
        guard !channels.isEmpty else {
            return .response(
                to: request, code: .systemError, remark: "the producer group[\(header.producerGroup)] not exist")
        }
        return .response(to: request, body: ProducerConnection(connectionSet: channels.map(\.connectionInfo)).encoded())
    }

    /// QUERY_TOPIC_CONSUME_BY_WHO (300): groups online for the topic plus groups with offsets on it.
    func topicConsumedBy(_ request: RemotingCommand) throws -> RemotingCommand {
        let header = try request.decodeHeader(TopicRequestHeader.self)
        var groups = Set(controller.offsets.groups(of: header.topic))
        for name in controller.consumers.groupNames
        where controller.consumers.group(name)?.subscriptions[header.topic] != nil {
            groups.insert(name)
        }
        return .response(to: request, body: GroupList(groupList: groups.sorted()).encoded())
    }

    /// INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223): asks each live member (or the one whose client
    /// id is `clientAddr`) for its offsets with GET_CONSUMER_STATUS_FROM_CLIENT (221); clients that
    /// fail to answer are left out.
    func consumerStatus(_ request: RemotingCommand) async throws -> RemotingCommand {
        let header = try request.decodeHeader(GetConsumerStatusRequestHeader.self)
        let channels = (controller.consumers.group(header.group)?.channels.values).map(Array.init) ?? []
        guard !channels.isEmpty else {
            return .response(
                to: request, code: .systemError,
                remark: "No Any Consumer online in the consumer group: [\(header.group)]")
        }
        var table: [String: [MessageQueue: Int64]] = [:]
        let wanted = header.clientAddr.flatMap { $0.isEmpty ? nil : $0 }
        for channel in channels where wanted == nil || wanted == channel.clientId {
            let ask = RemotingCommand.request(
                .getConsumerStatusFromClient,
                header: GetConsumerStatusRequestHeader(topic: header.topic, group: header.group))
            guard let answer = try? await channel.connection.invoke(ask, timeout: .seconds(5)),
                answer.responseCode == .success, let status = try? GetConsumerStatusBody(body: answer.body)
            else {
                controller.logger.warning(
                    "consumer did not report its status",
                    metadata: ["group": "\(header.group)", "client": "\(channel.clientId)"])
                continue
            }
            table[channel.clientId] = status.messageQueueTable.entries
        }
        return .response(
            to: request,
            body: GetConsumerStatusBody(messageQueueTable: [:], consumerTable: table.mapValues { QueueKeyedMap($0) })
                .encoded())
    }

    /// CONSUME_MESSAGE_DIRECTLY (309): hands a stored message (by offset message id) to one live
    /// consumer and relays its verdict (RocketMQ `callConsumer`).
    func consumeMessageDirectly(
        _ request: RemotingCommand, connection: RemotingConnection, store: MessageStore
    ) async throws
        -> RemotingCommand
    {
        var header = try request.decodeHeader(ConsumeMessageDirectlyResultRequestHeader.self)
        header.brokerName = controller.configuration.brokerName
        guard let text = header.msgId, let id = OffsetMessageID(text),
            let slice = store.lookMessageSlice(commitLogOffset: id.commitLogOffset)
        else {
            return .response(to: request, code: .systemError, remark: "no message with msgId \(header.msgId ?? "")")
        }
        var body = connection.channel.allocator.buffer(capacity: slice.size)
        slice.write(into: &body)
        var forwarded = RemotingCommand.request(.consumeMessageDirectly, header: header, body: body)
        forwarded.extFields = request.extFields
        forwarded.extFields["brokerName"] = header.brokerName
        return await callConsumer(forwarded, for: request, group: header.consumerGroup, clientId: header.clientId ?? "")
    }

    /// Forwards `forwarded` to the consumer `clientId` of `group` (10 s) and relays its answer.
    func callConsumer(
        _ forwarded: RemotingCommand, for request: RemotingCommand, group: String, clientId: String
    ) async
        -> RemotingCommand
    {
        guard let client = controller.consumers.connection(group: group, clientId: clientId) else {
            return .response(
                to: request, code: .systemError, remark: "The Consumer <\(group)> <\(clientId)> not online")
        }
        do {
            var answer = try await client.invoke(forwarded, timeout: .seconds(10))
            answer.opaque = request.opaque
            answer.serializeType = request.serializeType
            return answer
        } catch let error as CometError where error.code == .timeout {
            return .response(
                to: request, code: .consumeMessageTimeout,
                remark: "consumer <\(group)> <\(clientId)> Timeout: \(error.message)")
        } catch {
            return .response(
                to: request, code: .systemError, remark: "invoke consumer <\(group)> <\(clientId)> Exception: \(error)")
        }
    }
}
