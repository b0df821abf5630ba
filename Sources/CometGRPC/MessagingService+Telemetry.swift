import CometBroker
import CometCore
import CometGRPCStubs
import GRPCCore
import Logging
import ServiceLifecycle

extension MessagingService {
    /// The client's settings come in; each gets the server's settings back (status OK), which
    /// producers need for their max body size and push consumers for long polling, FIFO and the
    /// retry backoff. The stream also carries orphaned-transaction checks to producers.
    func telemetry(
        request: RPCAsyncSequence<Apache_Rocketmq_V2_TelemetryCommand, any Error>,
        response: RPCWriter<Apache_Rocketmq_V2_TelemetryCommand>, context: ServerContext
    ) async throws {
        let (outbound, continuation) = AsyncStream.makeStream(of: Apache_Rocketmq_V2_TelemetryCommand.self)
        let id = clients.open(clientID: context.remotePeer, outbound: continuation)
        defer { clients.close(id) }
        // Streams live as long as their client: end them when the process shuts down, or the
        // server's graceful shutdown would wait for every client to leave.
        try await cancelWhenGracefulShutdown {
            try await self.serveTelemetry(
                request: request, response: response, id: id, outbound: outbound, continuation: continuation,
                peer: context.remotePeer)
        }
    }

    private func serveTelemetry(
        request: RPCAsyncSequence<Apache_Rocketmq_V2_TelemetryCommand, any Error>,
        response: RPCWriter<Apache_Rocketmq_V2_TelemetryCommand>, id: UInt64,
        outbound: AsyncStream<Apache_Rocketmq_V2_TelemetryCommand>,
        continuation: AsyncStream<Apache_Rocketmq_V2_TelemetryCommand>.Continuation, peer: String
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await command in outbound { try await response.write(command) }
            }
            do {
                for try await command in request {
                    switch command.command {
                    case .settings(let settings):
                        clients.update(id, settings: settings)
                        continuation.yield(reply(to: settings))
                    case .threadStackTrace, .verifyMessageResult:
                        // Answers to commands we send only for diagnostics; nothing waits on them.
                        logger.debug("telemetry answer from \(peer)")
                    default:
                        var status = Apache_Rocketmq_V2_TelemetryCommand()
                        status.status = .code(.badRequest, "unexpected telemetry command from a client")
                        continuation.yield(status)
                    }
                }
            } catch {
                logger.debug("telemetry stream from \(peer) ended: \(error)")
            }
            continuation.finish()
            try await group.waitForAll()
        }
    }

    /// The settings the server answers with, by client type.
    func reply(to settings: Apache_Rocketmq_V2_Settings) -> Apache_Rocketmq_V2_TelemetryCommand {
        var answer = settings
        answer.metric = Apache_Rocketmq_V2_Metric()
        answer.metric.on = false
        switch settings.pubSub {
        case .publishing(var publishing):
            publishing.maxBodySize = Int32(clamping: facade.maxMessageSize)
            publishing.validateMessageType = true
            answer.publishing = publishing
            var policy = Apache_Rocketmq_V2_RetryPolicy()
            policy.maxAttempts = 3
            var backoff = Apache_Rocketmq_V2_ExponentialBackoff()
            backoff.initial = MessageConverter.duration(10)
            backoff.max = MessageConverter.duration(1000)
            backoff.multiplier = 2
            policy.exponentialBackoff = backoff
            answer.backoffPolicy = policy
        case .subscription(var subscription):
            let policy = try? facade.groupPolicy(subscription.group.name)
            subscription.fifo = policy?.fifo ?? false
            subscription.receiveBatchSize = 32
            subscription.longPollingTimeout = MessageConverter.duration(configuration.longPollingTimeout)
            subscription.liteSubscriptionQuota = 0
            subscription.maxLiteTopicSize = 0
            answer.subscription = subscription
            var retry = Apache_Rocketmq_V2_RetryPolicy()
            retry.maxAttempts = policy?.maxDeliveryAttempts ?? 17
            var backoff = Apache_Rocketmq_V2_CustomizedBackoff()
            backoff.next = configuration.retryDelays.map { MessageConverter.duration($0) }
            retry.customizedBackoff = backoff
            answer.backoffPolicy = retry
        case nil:
            break
        }
        var command = Apache_Rocketmq_V2_TelemetryCommand()
        command.status = .ok
        command.settings = answer
        return command
    }

    /// Sends an orphaned-transaction check for a half message to a producer publishing its
    /// topic; returns whether one was found.
    func checkTransaction(message: StoredMessage, commitLogOffset: Int64, queueOffset: Int64) -> Bool {
        guard let producer = clients.producers(publishing: message.topic).randomElement() else { return false }
        var command = Apache_Rocketmq_V2_TelemetryCommand()
        var recover = Apache_Rocketmq_V2_RecoverOrphanedTransactionCommand()
        recover.message = MessageConverter.message(message, receiptHandle: nil, attempt: nil, invisibleMillis: nil)
        recover.transactionID = TransactionID(commitLogOffset: commitLogOffset, queueOffset: queueOffset).description
        command.recoverOrphanedTransactionCommand = recover
        producer.outbound.yield(command)
        return true
    }

    func endTransaction(
        request: Apache_Rocketmq_V2_EndTransactionRequest, context: ServerContext
    ) async throws
        -> Apache_Rocketmq_V2_EndTransactionResponse
    {
        var response = Apache_Rocketmq_V2_EndTransactionResponse()
        guard let id = TransactionID(request.transactionID) else {
            response.status = .code(
                .invalidTransactionID, "the transaction id \"\(request.transactionID)\" is not valid")
            return response
        }
        let commit: Bool
        switch request.resolution {
        case .commit: commit = true
        case .rollback: commit = false
        default:
            response.status = .code(.badRequest, "the resolution must be COMMIT or ROLLBACK")
            return response
        }
        do {
            try await facade.endTransaction(
                topic: request.topic.name, messageID: request.messageID, commitLogOffset: id.commitLogOffset,
                queueOffset: id.queueOffset, commit: commit, fromCheck: request.source == .sourceServerCheck)
            response.status = .ok
        } catch {
            response.status = Apache_Rocketmq_V2_Status(error)
        }
        return response
    }
}
