import CometCore
import CometProtocol
import CometRemoting
import CometStore
import Logging
import NIOCore

extension BrokerProcessor {
    /// SEND_REPLY_MESSAGE (324) and SEND_REPLY_MESSAGE_V2 (325), RocketMQ `ReplyMessageProcessor`:
    /// the replier's message is pushed to the requester named by its `REPLY_TO_CLIENT` property
    /// with PUSH_REPLY_MESSAGE_TO_CLIENT (326), then stored in the reply topic. The replier gets
    /// SUCCESS when the push succeeded (the stored record's id when the store also succeeded),
    /// SYSTEM_ERROR naming the requester otherwise.
    func sendReplyMessage(
        _ request: RemotingCommand, connection: RemotingConnection, store: MessageStore
    ) async throws
        -> RemotingCommand
    {
        let header = try SendMessageRequestHeader(request: request)
        let configuration = controller.configuration
        guard let body = request.body else {
            return .response(to: request, code: .messageIllegal, remark: "the message body is empty")
        }
        guard let topicConfig = controller.topics.topic(header.topic) else {
            return .response(
                to: request, code: .topicNotExist, remark: "topic[\(header.topic)] not exist, apply first please!")
        }
        var properties = MessageProperties.parse(header.properties ?? "")
        let now = controller.clock.nowMillis()
        properties[MessagePropertyKey.pushReplyTime] = String(now)
        var queueId = header.queueId
        if queueId < 0 || queueId >= topicConfig.writeQueueNums {
            queueId = Int32.random(in: 0..<max(1, topicConfig.writeQueueNums))
        }

        var code = ResponseCode.success
        var remark: String?
        if let requester = properties[MessagePropertyKey.replyToClient] {
            if let target = controller.producers.connection(clientId: requester) {
                let push = RemotingCommand.request(
                    .pushReplyMessageToClient,
                    header: ReplyMessageRequestHeader(
                        header, properties: MessageProperties.encode(properties), bornHost: connection.remoteAddress,
                        storeHost: controller.address ?? "", now: now),
                    body: body)
                do {
                    let answer = try await target.invoke(push, timeout: .seconds(10))
                    if answer.responseCode != .success {
                        (code, remark) = (.systemError, "push reply message to \(requester)fail.")
                    }
                } catch {
                    (code, remark) = (.systemError, "push reply message to \(requester)fail.")
                }
            } else {
                (code, remark) = (.systemError, "push reply message fail, channel of <\(requester)> not found.")
            }
        } else {
            (code, remark) = (.systemError, "reply message properties[REPLY_TO_CLIENT] is null")
        }

        var responseHeader = SendMessageResponseHeader(msgId: "0", queueId: queueId, queueOffset: 0)
        properties.removeValue(forKey: MessagePropertyKey.wait)
        properties[MessagePropertyKey.cluster] = configuration.clusterName
        let message = StoredMessage(
            topic: header.topic, queueID: queueId, body: body, properties: properties, flag: header.flag,
            sysFlag: MessageSysFlag(rawValue: header.sysFlag), bornTimestamp: header.bornTimestamp,
            bornHost: MessageHost(connection: connection), storeHost: store.configuration.storeHost,
            reconsumeTimes: header.reconsumeTimes ?? 0)
        if let stored = try? await store.putMessage(message), let first = stored.messages.first {
            responseHeader.msgId = first.offsetMessageID.description
            responseHeader.queueOffset = first.queueOffset
            controller.stats.recordPut(topic: header.topic, messages: 1, bytes: body.readableBytes, latencyMillis: 0)
        }
        var response = RemotingCommand.response(to: request, code: code, remark: remark, header: responseHeader)
        response.extFields["MSG_REGION"] = "DefaultRegion"
        response.extFields["TRACE_ON"] = "true"
        return response
    }
}
