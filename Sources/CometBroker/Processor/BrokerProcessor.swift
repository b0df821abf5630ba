import CometCore
package import CometProtocol
package import CometRemoting
import CometStore
import Logging

/// Dispatches broker requests by code to the handlers in the `BrokerProcessor+…` files, which
/// follow RocketMQ's processors (send, pull, client management, consumer management, admin).
package struct BrokerProcessor: RequestProcessor {
    package let controller: BrokerController

    package init(controller: BrokerController) { self.controller = controller }

    package func process(_ request: RemotingCommand, connection: RemotingConnection) async throws -> RemotingCommand? {
        guard let store = controller.store else {
            return .response(to: request, code: .systemBusy, remark: "broker is starting, try again shortly")
        }
        switch request.requestCode {
        case .sendMessage, .sendMessageV2, .sendBatchMessage:
            return try await sendMessage(request, connection: connection, store: store)
        case .pullMessage:
            return try await pullMessage(request, connection: connection, store: store, allowSuspend: true)
        case .heartBeat: return try heartbeat(request, connection: connection)
        case .unregisterClient: return try unregisterClient(request, connection: connection)
        case .getConsumerListByGroup: return try consumerList(request)
        case .lockBatchMQ: return try lockBatch(request)
        case .unlockBatchMQ: return try unlockBatch(request)
        case .queryConsumerOffset: return try await queryConsumerOffset(request, store: store)
        case .updateConsumerOffset: return try updateConsumerOffset(request)
        case .getMaxOffset, .getMinOffset, .getEarliestMsgStoreTime:
            return try queueOffsets(request, store: store)
        case .searchOffsetByTimestamp: return try searchOffset(request, store: store)
        case .updateAndCreateTopic: return try createTopic(request)
        case .deleteTopicInBroker: return try deleteTopic(request)
        case .getAllTopicConfig: return .response(to: request, body: controller.topics.snapshot.encoded())
        case .getConsumerRunningInfo: return try await consumerRunningInfo(request)
        case .queryMessage: return try await queryMessage(request, connection: connection, store: store)
        case .viewMessageById: return try viewMessageById(request, connection: connection, store: store)
        case .invokeBrokerToResetOffset: return try resetOffset(request, store: store)
        case .consumerSendMsgBack: return try await consumerSendMsgBack(request, store: store)
        case .endTransaction: return try await endTransaction(request, store: store)
        case .checkClientConfig: return try checkClientConfig(request)
        case .updateAndCreateSubscriptionGroup: return try updateSubscriptionGroup(request)
        case .getAllSubscriptionGroupConfig: return allSubscriptionGroups(request)
        case .deleteSubscriptionGroup: return try deleteSubscriptionGroup(request)
        case .getAllConsumerOffset: return allConsumerOffsets(request)
        case .getAllDelayOffset: return allDelayOffsets(request)
        case .getBrokerRuntimeInfo: return runtimeInfo(request, store: store)
        case .getTopicStatsInfo: return try topicStats(request, store: store)
        case .getConsumeStats: return try consumeStats(request, store: store)
        case .getBrokerConsumeStats: return try brokerConsumeStats(request, store: store)
        case .viewBrokerStatsData: return try viewBrokerStats(request)
        case .queryConsumeTimeSpan: return try consumeTimeSpan(request, store: store)
        case .getConsumerConnectionList: return try consumerConnections(request)
        case .getProducerConnectionList: return try producerConnections(request)
        case .queryTopicConsumeByWho: return try topicConsumedBy(request)
        case .invokeBrokerToGetConsumerStatus: return try await consumerStatus(request)
        case .consumeMessageDirectly:
            return try await consumeMessageDirectly(request, connection: connection, store: store)
        case .cloneGroupOffset: return try cloneGroupOffset(request)
        case .queryCorrectionOffset: return try queryCorrectionOffset(request, store: store)
        case .getBrokerConfig: return brokerConfig(request)
        case .updateBrokerConfig: return try updateBrokerConfig(request)
        case .getSystemTopicListFromBroker: return systemTopics(request)
        case .deleteExpiredCommitLog, .cleanExpiredConsumeQueue: return await deleteExpiredFiles(request, store: store)
        case .cleanUnusedTopic: return cleanUnusedTopics(request, store: store)
        case .queryConsumeQueue: return try queryConsumeQueue(request, store: store)
        case .resumeCheckHalfMessage: return try await resumeCheckHalfMessage(request, store: store)
        case .sendReplyMessage, .sendReplyMessageV2:
            return try await sendReplyMessage(request, connection: connection, store: store)
        default:
            return .response(
                to: request, code: .requestCodeNotSupported,
                remark: "request code \(request.code) (\(request.requestCode)) is not supported by this broker")
        }
    }

    /// Answers on the event loop what needs no waiting and touches no files: sends that append
    /// to existing topics, pulls of data in the page cache that find messages, offset queries
    /// and commits. Everything else runs ``process(_:connection:)`` in a task.
    package func processOnEventLoop(
        _ request: RemotingCommand, connection: RemotingConnection, responder: RemotingResponder
    ) -> Bool {
        guard let store = controller.store else { return false }
        switch request.requestCode {
        case .sendMessage, .sendMessageV2, .sendBatchMessage:
            return sendOnEventLoop(request, connection: connection, store: store, responder: responder)
        case .pullMessage:
            return pullOnEventLoop(request, connection: connection, store: store, responder: responder)
        case .updateConsumerOffset:
            responder.respond(Self.answering(request) { try updateConsumerOffset(request) })
            return true
        case .getMaxOffset, .getMinOffset:
            responder.respond(Self.answering(request) { try queueOffsets(request, store: store) })
            return true
        default:
            return false
        }
    }

    /// The response of `body`, or the error's response (as for tasks).
    static func answering(_ request: RemotingCommand, _ body: () throws -> RemotingCommand) -> RemotingCommand {
        do {
            return try body()
        } catch let error as any ResponseCodeConvertible {
            return .response(to: request, code: error.responseCode, remark: error.responseRemark)
        } catch {
            return .response(to: request, code: .systemError, remark: "\(error)")
        }
    }

    /// Sends that waited longer than `waitTimeMillsInSendQueue` are answered SYSTEM_BUSY.
    package func queueWaitLimit(for request: RemotingCommand) -> Duration? {
        switch request.requestCode {
        case .sendMessage, .sendMessageV2, .sendBatchMessage: return controller.configuration.waitTimeInSendQueue
        default: return nil
        }
    }

    package func connectionClosed(_ connection: RemotingConnection) {
        controller.pullHolds.connectionClosed(connection.id)
        controller.producers.connectionClosed(connection)
        for group in controller.consumers.connectionClosed(connection) {
            controller.logger.info(
                "consumer connection closed",
                metadata: ["group": "\(group)", "remote.address": "\(connection.remoteAddress)"])
            controller.notifyConsumerIdsChanged(group)
        }
    }
}
