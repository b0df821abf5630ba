import CometCore
import CometProtocol
import CometRemoting
import CometStore
import Logging

extension BrokerProcessor {
    /// UPDATE_AND_CREATE_TOPIC (RocketMQ `AdminBrokerProcessor`).
    func createTopic(_ request: RemotingCommand) throws -> RemotingCommand {
        let header = try request.decodeHeader(CreateTopicRequestHeader.self)
        do {
            try TopicValidator.validate(header.topic)
        } catch {
            return .response(to: request, code: .systemError, remark: "illegal topic: \(error.message)")
        }
        guard header.topic != TopicConfigManager.defaultTopic else {
            return .response(
                to: request, code: .systemError, remark: "the topic[\(header.topic)] is reserved by the system")
        }
        guard (1...1024).contains(header.readQueueNums), (1...1024).contains(header.writeQueueNums) else {
            return .response(to: request, code: .systemError, remark: "queue counts must be between 1 and 1024")
        }
        try controller.topics.update(
            TopicConfig(
                topicName: header.topic, readQueueNums: header.readQueueNums, writeQueueNums: header.writeQueueNums,
                perm: Permission(rawValue: header.perm), topicFilterType: header.topicFilterType,
                topicSysFlag: header.topicSysFlag, order: header.order))
        controller.topicsChanged()
        controller.logger.info(
            "topic created or updated",
            metadata: [
                "topic": "\(header.topic)", "read": "\(header.readQueueNums)", "write": "\(header.writeQueueNums)",
            ])
        return .response(to: request)
    }

    /// DELETE_TOPIC_IN_BROKER: removes the topic's configuration and committed offsets; its
    /// stored messages age out with retention.
    func deleteTopic(_ request: RemotingCommand) throws -> RemotingCommand {
        let header = try request.decodeHeader(DeleteTopicRequestHeader.self)
        if try controller.topics.delete(header.topic) {
            controller.offsets.removeTopic(header.topic)
            controller.topicsChanged()
            controller.logger.info("topic deleted", metadata: ["topic": "\(header.topic)"])
        }
        return .response(to: request)
    }
}
