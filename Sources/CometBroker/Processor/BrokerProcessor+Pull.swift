import CometCore
import CometProtocol
import CometRemoting
import CometStore
import Logging
import NIOCore

extension BrokerProcessor {
    /// PULL_MESSAGE (RocketMQ `PullMessageProcessor`): serves records straight from the store and,
    /// when nothing is there and the client allows it, holds the request until a message arrives
    /// (long polling) or its suspend time ends, then answers once more without holding.
    func pullMessage(
        _ request: RemotingCommand, connection: RemotingConnection, store: MessageStore, allowSuspend: Bool
    ) async throws -> RemotingCommand {
        let header = try request.decodeHeader(PullMessageRequestHeader.self)
        let sqlFilter: SQLFilter?
        let tagsCodes: Set<Int64>?
        switch try preparePull(request, header: header, mayCreate: true) {
        case .answer(let response): return response
        case .needsTask: return .response(to: request, code: .systemError, remark: "pull could not be prepared")
        case .read(let filter, let codes):
            sqlFilter = filter
            tagsCodes = codes
        }
        let configuration = controller.configuration

        let result: GetMessageResult
        do {
            if let sqlFilter {
                result = try await store.getMessages(
                    topic: header.topic, queueID: header.queueId, offset: header.queueOffset,
                    maxCount: Int(max(1, header.maxMsgNums)), filter: sqlFilter)
            } else {
                result = try await store.getMessages(
                    topic: header.topic, queueID: header.queueId, offset: header.queueOffset,
                    maxCount: Int(max(1, header.maxMsgNums)), tagsCodes: tagsCodes)
            }
        } catch {
            return .response(to: request, code: Self.responseCode(for: error), remark: error.message)
        }

        // A slave never commits the offset a pull carries (upstream `PullMessageProcessor`).
        if header.sysFlag.contains(.commitOffset) && allowSuspend && header.commitOffset >= 0
            && controller.replication.role != .slave
        {
            controller.offsets.commit(
                group: header.consumerGroup, topic: header.topic, queueId: header.queueId, offset: header.commitOffset)
        }

        let (code, nextBeginOffset) = Self.pullOutcome(result, requestedOffset: header.queueOffset)
        if code == .success || !(allowSuspend && header.sysFlag.contains(.suspend)) {
            controller.stats.recordGet(
                group: header.consumerGroup, topic: header.topic,
                messages: code == .success ? result.messages.count : 0,
                bytes: code == .success ? result.totalSize : 0)
            if code == .success {
                controller.metrics?.recordOut(
                    topic: header.topic, group: header.consumerGroup, protocolType: .remoting,
                    count: result.messages.count, bytes: result.totalSize)
            }
        }
        if code == .pullNotFound && allowSuspend && header.sysFlag.contains(.suspend) && connection.isActive {
            // The client chooses the hold time: clamp it to the broker's maximum before any
            // arithmetic, so no value it sends can overflow the deadline.
            let holdMillis =
                configuration.longPollingEnabled
                ? Self.clampedSuspendMillis(header.suspendTimeoutMillis)
                : configuration.shortPollingTime.saturatingMilliseconds
            let deadline = controller.clock.nowMillis().addingSaturating(holdMillis)
            let topic = header.topic
            let queueId = header.queueId
            await controller.pullHolds.waitForMessage(
                topic: topic, queueId: queueId, offset: header.queueOffset, tagsCodes: tagsCodes, deadline: deadline,
                connectionId: connection.id, currentMaxOffset: { store.maxOffset(topic: topic, queueID: queueId) })
            // Released because the connection closed: nobody reads an answer.
            guard connection.isActive else {
                return .response(
                    to: request, code: .pullNotFound, remark: "the connection closed while the pull was held")
            }
            return try await pullMessage(request, connection: connection, store: store, allowSuspend: false)
        }
        return Self.pullResponse(
            to: request, code: code, nextBeginOffset: nextBeginOffset, result: result, connection: connection,
            suggestWhichBrokerId: suggestedBroker(group: header.consumerGroup, result: result))
    }

    /// A pull on the event loop, when it can be answered without waiting: no tag or SQL filter, the
    /// data in the page cache (``MessageStore/isResident(topic:queueID:offset:maxCount:)``), and
    /// not a pull that finds nothing and asks to be held (long polling runs in a task).
    func pullOnEventLoop(
        _ request: RemotingCommand, connection: RemotingConnection, store: MessageStore, responder: RemotingResponder
    ) -> Bool {
        let header: PullMessageRequestHeader
        do {
            header = try request.decodeHeader(PullMessageRequestHeader.self)
            switch try preparePull(request, header: header, mayCreate: false) {
            // Filters may scan far past the records returned: those reads stay off the event loop.
            case .needsTask, .read(.some(_), _), .read(nil, .some(_)): return false
            case .answer(let response):
                responder.respond(response)
                return true
            case .read(nil, nil): break
            }
        } catch {
            responder.respond(.response(to: request, code: .systemError, remark: "\(error)"))
            return true
        }
        let maxCount = Int(max(1, header.maxMsgNums))
        guard
            store.isResident(
                topic: header.topic, queueID: header.queueId, offset: header.queueOffset, maxCount: maxCount)
        else { return false }
        let result = store.getMessagesNow(
            topic: header.topic, queueID: header.queueId, offset: header.queueOffset, maxCount: maxCount)
        let (code, nextBeginOffset) = Self.pullOutcome(result, requestedOffset: header.queueOffset)
        if code == .pullNotFound && header.sysFlag.contains(.suspend) { return false }
        controller.stats.recordGet(
            group: header.consumerGroup, topic: header.topic, messages: code == .success ? result.messages.count : 0,
            bytes: code == .success ? result.totalSize : 0)
        if code == .success {
            controller.metrics?.recordOut(
                topic: header.topic, group: header.consumerGroup, protocolType: .remoting,
                count: result.messages.count, bytes: result.totalSize)
        }
        if header.sysFlag.contains(.commitOffset) && header.commitOffset >= 0 && controller.replication.role != .slave {
            controller.offsets.commit(
                group: header.consumerGroup, topic: header.topic, queueId: header.queueId, offset: header.commitOffset)
        }
        responder.respond(
            Self.pullResponse(
                to: request, code: code, nextBeginOffset: nextBeginOffset, result: result, connection: connection,
                suggestWhichBrokerId: suggestedBroker(group: header.consumerGroup, result: result)))
        return true
    }

    /// The broker a consumer should pull this queue from next (upstream `PullMessageProcessor`): with
    /// `slaveReadEnable`, the group's `whichBrokerWhenConsumeSlowly` (1) while it reads data no longer
    /// in memory (`accessMessageInMemoryMaxRatio`), else the group's `brokerId` (0); without it, 0.
    func suggestedBroker(group: String, result: GetMessageResult) -> Int64 {
        guard controller.configuration.replication.slaveReadEnable else { return 0 }
        let config = controller.groups.existing(group)
        return result.suggestPullingFromSlave
            ? (config?.whichBrokerWhenConsumeSlowly ?? 1) : (config?.brokerId ?? 0)
    }

    /// The PULL_MESSAGE answer for a store read.
    static func pullResponse(
        to request: RemotingCommand, code: ResponseCode, nextBeginOffset: Int64, result: GetMessageResult,
        connection: RemotingConnection, suggestWhichBrokerId: Int64 = 0
    ) -> RemotingCommand {
        let responseHeader = PullMessageResponseHeader(
            suggestWhichBrokerId: suggestWhichBrokerId, nextBeginOffset: nextBeginOffset, minOffset: result.minOffset,
            maxOffset: result.maxOffset)
        guard code == .success else { return .response(to: request, code: code, header: responseHeader) }
        // Records back to back in the log go out as views of it (zero-copy), the rest copied once.
        var parts = result.bodyParts(allocator: connection.channel.allocator)[...]
        var response = RemotingCommand.response(to: request, code: code, header: responseHeader, body: parts.popFirst())
        response.bodyParts = Array(parts)
        return response
    }

    /// What a pull resolved to before the store is read.
    enum PullStep {
        /// Answer at once (a refusal).
        case answer(RemotingCommand)
        /// Read with this SQL filter, or these tag codes (nil = every tag).
        case read(SQLFilter?, Set<Int64>?)
        /// The consumer group would be created (a file write): run in a task.
        case needsTask
    }

    /// Permission, group, topic, queue and subscription checks of a pull, and its filter.
    func preparePull(_ request: RemotingCommand, header: PullMessageRequestHeader, mayCreate: Bool) throws -> PullStep {
        let configuration = controller.configuration
        guard configuration.brokerPermission.contains(.read) else {
            return .answer(
                .response(
                    to: request, code: .noPermission,
                    remark: "the broker[\(configuration.brokerName)] pulling message is forbidden"))
        }
        let existing = controller.groups.existing(header.consumerGroup)
        guard existing != nil || mayCreate else { return .needsTask }
        guard let group = try existing ?? controller.groups.group(header.consumerGroup) else {
            return .answer(
                .response(
                    to: request, code: .subscriptionGroupNotExist,
                    remark: "subscription group [\(header.consumerGroup)] does not exist"))
        }
        guard group.consumeEnable else {
            return .answer(
                .response(
                    to: request, code: .noPermission,
                    remark: "subscription group no permission, \(header.consumerGroup)"))
        }
        guard let topicConfig = controller.topics.topic(header.topic) else {
            return .answer(
                .response(
                    to: request, code: .topicNotExist, remark: "topic[\(header.topic)] not exist, apply first please!"))
        }
        guard topicConfig.perm.contains(.read) else {
            return .answer(
                .response(
                    to: request, code: .noPermission, remark: "the topic[\(header.topic)] pulling message is forbidden")
            )
        }
        guard header.queueId >= 0, header.queueId < topicConfig.readQueueNums else {
            return .answer(
                .response(
                    to: request, code: .systemError,
                    remark:
                        "queueId[\(header.queueId)] is illegal, topic:[\(header.topic)] topicConfig.readQueueNums:[\(topicConfig.readQueueNums)]"
                ))
        }

        let subscription: SubscriptionData
        if header.sysFlag.contains(.subscription) {
            subscription = SubscriptionData(
                topic: header.topic, subString: header.subscription ?? "*",
                expressionType: header.expressionType.flatMap { $0.isEmpty ? nil : $0 } ?? "TAG")
        } else if let known = controller.consumers.group(header.consumerGroup)?.subscriptions[header.topic] {
            subscription = known
        } else {
            return .answer(
                .response(
                    to: request, code: .subscriptionNotExist,
                    remark:
                        "the consumer's subscription not exist, group: \(header.consumerGroup) topic: \(header.topic)"))
        }
        let sqlFilter: SQLFilter?
        switch subscription.expressionType.uppercased() {
        case "TAG", "":
            sqlFilter = nil
        case "SQL92":
            do {
                sqlFilter = try controller.sqlFilters.filter(
                    group: header.consumerGroup, topic: header.topic, expression: subscription.subString)
            } catch {
                return .answer(.response(to: request, code: .subscriptionParseFailed, remark: error.message))
            }
        default:
            return .answer(
                .response(
                    to: request, code: .subscriptionParseFailed,
                    remark: "expression type \(subscription.expressionType) is not supported (TAG or SQL92)"))
        }
        let tagsCodes: Set<Int64>? =
            sqlFilter != nil || subscription.tagsSet.isEmpty
            ? nil : Set(subscription.tagsSet.map { TagHashCode.tagsCode($0) })

        return .read(sqlFilter, tagsCodes)
    }

    /// Longest a pull is held, whatever `suspendTimeoutMillis` the client asks for (Java consumers
    /// ask for 15–30 s; POP uses up to 60 s).
    static let maxSuspendMillis: Int64 = 120_000

    /// A client's `suspendTimeoutMillis` within `0...maxSuspendMillis`.
    static func clampedSuspendMillis(_ requested: Int64) -> Int64 {
        min(max(0, requested), maxSuspendMillis)
    }

    /// The response code and next offset for a store read, as RocketMQ's broker answers them.
    static func pullOutcome(_ result: GetMessageResult, requestedOffset: Int64) -> (ResponseCode, Int64) {
        switch result.status {
        case .found: return (.success, result.nextBeginOffset)
        case .noMatchedMessage, .messageWasRemoving: return (.pullRetryImmediately, result.nextBeginOffset)
        case .offsetFoundNull, .offsetOverflowOne: return (.pullNotFound, result.nextBeginOffset)
        case .offsetOverflowBadly, .offsetTooSmall: return (.pullOffsetMoved, result.nextBeginOffset)
        case .noMessageInQueue, .noMatchedLogicQueue:
            return requestedOffset != 0 ? (.pullOffsetMoved, 0) : (.pullNotFound, 0)
        }
    }
}
