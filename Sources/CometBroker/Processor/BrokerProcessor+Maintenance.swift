import CometCore
import CometProtocol
import CometRemoting
import CometStore
import Logging

extension BrokerProcessor {
    /// Topics the broker reserves for itself (RocketMQ `TopicValidator.getSystemTopicSet` plus
    /// Comet's timer topic).
    static let systemTopicList = [
        "TBW102", "SCHEDULE_TOPIC_XXXX", "BenchmarkTest", "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRACE_TOPIC",
        "RMQ_SYS_TRANS_OP_HALF_TOPIC", "TRANS_CHECK_MAX_TIME_TOPIC", "SELF_TEST_TOPIC", "OFFSET_MOVED_EVENT",
        "rmq_sys_wheel_timer",
    ]

    /// GET_SYSTEM_TOPIC_LIST_FROM_BROKER (305).
    func systemTopics(_ request: RemotingCommand) -> RemotingCommand {
        .response(to: request, body: TopicList(topicList: Self.systemTopicList).encoded())
    }

    /// DELETE_EXPIRED_COMMITLOG (329) and CLEAN_EXPIRED_CONSUMEQUEUE (306): one retention pass now,
    /// regardless of `deleteWhen` — expired commit-log segments go, and consume-queue and index
    /// files that only point below the new minimum offset go with them.
    func deleteExpiredFiles(_ request: RemotingCommand, store: MessageStore) async -> RemotingCommand {
        do {
            let report = try await store.deleteExpiredFiles(force: true)
            controller.logger.warning(
                "manual retention pass", metadata: ["request": "\(request.requestCode)", "report": "\(report)"])
            return .response(to: request)
        } catch {
            return .response(to: request, code: Self.responseCode(for: error), remark: error.message)
        }
    }
}
