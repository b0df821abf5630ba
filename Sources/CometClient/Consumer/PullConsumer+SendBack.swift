import CometCore
import CometProtocol

extension PullConsumer {
    /// Hands `message` back to the broker that stored it (`CONSUMER_SEND_MSG_BACK`): it returns on the
    /// group's retry topic after a growing delay, or, with `deadLetter` (or once it was retried
    /// `maxReconsumeTimes`), goes to the group's dead-letter queue `%DLQ%<group>`.
    public func sendBack(
        _ message: ReceivedMessage, deadLetter: Bool = false, maxReconsumeTimes: Int32 = 16
    ) async throws(ClientError) {
        let fields: ExtFields = [
            "group": group, "offset": String(message.commitLogOffset), "delayLevel": deadLetter ? "-1" : "0",
            "originMsgId": message.messageId, "originTopic": message.topic,
            "maxReconsumeTimes": String(maxReconsumeTimes), "unitMode": "false", "bname": message.queue.brokerName,
        ]
        let request = RemotingCommand(code: RequestCode.consumerSendMsgBack.rawValue, extFields: fields)
        let response = try await instance.call(request, broker: message.storeHost)
        guard response.responseCode == .success else {
            throw ClientError(.brokerError, response.remark ?? "send back failed", responseCode: response.code)
        }
    }
}
