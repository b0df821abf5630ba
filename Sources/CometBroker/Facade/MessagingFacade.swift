package import CometCore
import CometProtocol
import CometStore
import CompressNIO
import Logging
package import NIOCore

/// The narrow, in-process view of a broker that the gRPC endpoint (CometGRPC) works through:
/// topics, sending, POP receive/ack, transactions and offsets, in terms of Core values only, so
/// the endpoint never touches the store, the remoting protocol or the managers directly.
package final class MessagingFacade: Sendable {
    /// Why a facade call was refused; the endpoint maps each kind to a v5 status code.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        package enum Kind: Sendable, Equatable {
            case badRequest, illegalTopic, illegalGroup, topicNotFound, groupNotFound, forbidden, bodyTooLarge
            case invalidReceiptHandle, invalidTransaction, notReady, illegalDeliveryTime, illegalFilter, internalError
            case notFound
        }
        package var kind: Kind
        package var message: String
        package init(_ kind: Kind, _ message: String) {
            self.kind = kind
            self.message = message
        }
        package var description: String { "\(kind): \(message)" }
    }

    /// A topic's queues and permission, as routes show them.
    package struct TopicInfo: Sendable, Hashable {
        package var name: String
        package var readQueueNums: Int32
        package var writeQueueNums: Int32
        package var permission: Permission
    }

    /// Where a sent message was stored.
    package struct SendResult: Sendable {
        package var queueID: Int32
        package var queueOffset: Int64
        /// Commit-log offset of the stored record (the half record for transactions).
        package var commitLogOffset: Int64
        /// Offset message id of the stored record.
        package var offsetMessageID: String
        /// Whether the flush did not finish in time (sync flush).
        package var flushTimedOut: Bool
        /// When a timer message is due (nil for messages delivered at once); it can be recalled until then.
        package var deliverAt: Int64? = nil
    }

    let controller: BrokerController

    /// A facade over a broker's controller.
    package init(controller: BrokerController) { self.controller = controller }

    /// The broker's name and cluster (route entries).
    package var brokerName: String { controller.configuration.brokerName }

    /// Largest accepted message body in bytes.
    package var maxMessageSize: Int { controller.configuration.store.maxMessageSize }

    var store: MessageStore {
        get throws(Failure) {
            guard let store = controller.store else { throw Failure(.notReady, "the broker is starting") }
            return store
        }
    }

    /// Checks a topic or group name as RocketMQ does (`^[%|a-zA-Z0-9_-]+$`, ≤ 127 characters).
    package static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 127 else { return false }
        return name.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 37 || c == 95 || c == 45
                || c == 124
        }
    }

    /// The topic, if it exists.
    package func topic(_ name: String) -> TopicInfo? {
        controller.topics.topic(name).map(Self.info)
    }

    /// The topic, creating it (like a first send over remoting) when the broker auto-creates topics.
    package func topicCreatingIfAllowed(_ name: String) throws(Failure) -> TopicInfo {
        guard Self.isValidName(name), !BrokerProcessor.isNotAllowedSendTopic(name) else {
            throw Failure(.illegalTopic, "the topic name \"\(name)\" is illegal")
        }
        if let existing = controller.topics.topic(name) { return Self.info(existing) }
        guard controller.configuration.autoCreateTopicEnable else {
            throw Failure(.topicNotFound, "topic \(name) does not exist (auto-creation is off)")
        }
        do {
            let configuration = controller.configuration
            guard
                let created = try controller.topics.createOnSend(
                    name, defaultTopic: TopicConfigManager.defaultTopic, queueNums: configuration.defaultTopicQueueNums,
                    topicSysFlag: 0)
            else { throw Failure(.topicNotFound, "topic \(name) does not exist") }
            controller.topicsChanged()
            controller.logger.info(
                "auto-created topic", metadata: ["topic": "\(name)", "queues": "\(created.writeQueueNums)"])
            return Self.info(created)
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(.internalError, "cannot create topic \(name): \(error)")
        }
    }

    private static func info(_ config: TopicConfig) -> TopicInfo {
        TopicInfo(
            name: config.topicName, readQueueNums: config.readQueueNums, writeQueueNums: config.writeQueueNums,
            permission: config.perm)
    }

    /// How a consumer group is served: attempts before the dead-letter topic (`retryMaxTimes` + 1)
    /// and whether it consumes in order (`consumeMessageOrderly`).
    package struct GroupPolicy: Sendable {
        package var maxDeliveryAttempts: Int32
        package var fifo: Bool
    }

    /// The group's policy, creating the group when the broker auto-creates groups.
    package func groupPolicy(_ group: String) throws(Failure) -> GroupPolicy {
        guard Self.isValidName(group) else { throw Failure(.illegalGroup, "the group name \"\(group)\" is illegal") }
        let config: SubscriptionGroupConfig?
        do {
            config = try controller.groups.group(group)
        } catch {
            throw Failure(.internalError, "\(error)")
        }
        guard let config else { throw Failure(.groupNotFound, "consumer group \(group) does not exist") }
        guard config.consumeEnable else { throw Failure(.forbidden, "consumer group \(group) may not consume") }
        return GroupPolicy(maxDeliveryAttempts: max(1, config.retryMaxTimes + 1), fifo: config.consumeMessageOrderly)
    }

    /// Stores a message a producer sent (held first if it is a half, delayed or timer message).
    package func send(_ message: StoredMessage) async throws(Failure) -> SendResult {
        let store = try store
        let configuration = controller.configuration
        guard configuration.brokerPermission.contains(.write) else {
            throw Failure(.forbidden, "the broker \(configuration.brokerName) does not accept messages")
        }
        let topic = try topicCreatingIfAllowed(message.topic)
        guard topic.permission.contains(.write) else {
            throw Failure(.forbidden, "topic \(topic.name) is not writable")
        }
        guard message.body.readableBytes <= configuration.store.maxMessageSize else {
            throw Failure(
                .bodyTooLarge,
                "the message body size \(message.body.readableBytes) is over the max value \(configuration.store.maxMessageSize)"
            )
        }
        var message = message
        if message.queueID < 0 || message.queueID >= topic.writeQueueNums {
            message.queueID = Int32.random(in: 0..<max(1, topic.writeQueueNums))
        }
        message.storeHost = store.configuration.storeHost
        message.properties[MessagePropertyKey.cluster] = configuration.clusterName
        let routed: StoredMessage
        do {
            routed = try controller.scheduler.route(message, now: controller.clock.nowMillis())
        } catch {
            throw Failure(.illegalDeliveryTime, error.message)
        }
        let result: PutMessageResult
        do {
            result = try await store.putMessages([routed])
        } catch {
            switch error.code {
            case .messageTooLarge: throw Failure(.bodyTooLarge, error.message)
            case .propertiesTooLarge, .invalidTopic, .invalidMessage: throw Failure(.badRequest, error.message)
            case .diskFull, .notRunning, .replicaRole: throw Failure(.notReady, error.message)
            default: throw Failure(.internalError, error.message)
            }
        }
        guard let stored = result.messages.first else { throw Failure(.internalError, "nothing was stored") }
        let size = message.body.readableBytes
        controller.metrics?.recordIn(
            topic: message.topic,
            type: routed.topic == MessageScheduler.halfTopic
                ? .transaction
                : routed.topic != message.topic
                    ? .delay : message.properties[MessagePropertyKey.shardingKey] != nil ? .fifo : .normal,
            protocolType: .grpc, count: 1, bytes: size, sizes: CollectionOfOne(size))
        return SendResult(
            queueID: message.queueID, queueOffset: stored.queueOffset, commitLogOffset: stored.physicalOffset,
            offsetMessageID: stored.offsetMessageID.description, flushTimedOut: result.status == .flushDiskTimeout,
            deliverAt: routed.topic == MessageScheduler.timerTopic
                ? routed.properties[MessagePropertyKey.timerOutMs].flatMap { Int64($0) } : nil)
    }
}

extension MessagingFacade {
    /// Inflates a body a v5 client sent GZIP-encoded (gzip or zlib bytes), up to the max message size,
    /// so remoting consumers get it as any other message.
    package func inflate(_ body: ByteBuffer) throws(Failure) -> ByteBuffer {
        var body = body
        let gzip = body.readableBytes >= 2 && body.getInteger(at: body.readerIndex, as: UInt16.self) == 0x1F8B
        do {
            return try body.decompress(with: gzip ? .gzip() : .zlib(), maxSize: maxMessageSize)
        } catch {
            throw Failure(.badRequest, "the GZIP-encoded body does not inflate: \(error)")
        }
    }
}

extension MessagingFacade {
    /// The host the broker advertises (`brokerIP1`, the listen host, or the first non-loopback IPv4).
    package var advertisedHost: String { Broker.advertisedHost(controller.configuration) }
}
