import CometCore
import CometStore
import Foundation
import NIOCore

extension MessagingFacade {
    /// What a recall handle names: a timer message of `topic` on `brokerName`, due at `deliverAt`.
    ///
    /// The handle is RocketMQ 5.x's v1 form, `v1 <topic> <brokerName> <deliverAt> <messageID>`
    /// URL-safe Base64-encoded; clients treat it as opaque and hand it back.
    package struct RecallHandle: Sendable, Equatable {
        package var topic: String
        package var brokerName: String
        package var deliverAt: Int64
        package var messageID: String

        package init(topic: String, brokerName: String, deliverAt: Int64, messageID: String) {
            self.topic = topic
            self.brokerName = brokerName
            self.deliverAt = deliverAt
            self.messageID = messageID
        }

        package init?(encoded: String) {
            var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
            guard let data = Data(base64Encoded: base64) else { return nil }
            let parts = String(decoding: data, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 5, parts[0] == "v1", !parts[1].isEmpty, !parts[4].isEmpty,
                let deliverAt = Int64(parts[3])
            else { return nil }
            self.init(
                topic: String(parts[1]), brokerName: String(parts[2]), deliverAt: deliverAt,
                messageID: String(parts[4]))
        }

        package var encoded: String {
            Data("v1 \(topic) \(brokerName) \(deliverAt) \(messageID)".utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
    }

    /// The handle that recalls a message this broker holds until `deliverAt`.
    package func recallHandle(topic: String, messageID: String, deliverAt: Int64) -> String {
        RecallHandle(
            topic: topic, brokerName: controller.configuration.brokerName, deliverAt: deliverAt, messageID: messageID
        ).encoded
    }

    /// Cancels a timer message before it is due (v5 RecallMessage) and returns its message id.
    ///
    /// The recall is recorded as a marker in the timer topic, so it survives a restart; a message
    /// whose time has come (or that this broker never held) is NOT_FOUND.
    package func recall(topic: String, handle encoded: String) async throws(Failure) -> String {
        guard let handle = RecallHandle(encoded: encoded) else {
            throw Failure(.badRequest, "the recall handle is illegal")
        }
        guard handle.topic == topic else {
            throw Failure(.badRequest, "the recall handle is for topic \(handle.topic), not \(topic)")
        }
        guard handle.brokerName == controller.configuration.brokerName else {
            throw Failure(
                .badRequest,
                "the recall handle belongs to broker \(handle.brokerName), not \(controller.configuration.brokerName)")
        }
        let store = try store
        guard handle.deliverAt > controller.clock.nowMillis(),
            controller.timerRecalls.recall(uniqueKey: handle.messageID, deliverAt: handle.deliverAt)
        else {
            throw Failure(.notFound, "message \(handle.messageID) was already delivered")
        }
        let marker = StoredMessage(
            topic: MessageScheduler.timerTopic, queueID: 0, body: ByteBuffer(string: "recall"),
            properties: [
                MessagePropertyKey.timerDeleteUniqueKey: handle.messageID,
                MessagePropertyKey.timerOutMs: String(handle.deliverAt),
                MessagePropertyKey.realTopic: topic, MessagePropertyKey.realQueueID: "0",
            ],
            bornTimestamp: controller.clock.nowMillis(), storeHost: store.configuration.storeHost)
        do {
            _ = try await store.putMessages([marker])
        } catch {
            controller.timerRecalls.withdraw(uniqueKey: handle.messageID)
            throw Failure(.notReady, "the recall could not be stored: \(error.message)")
        }
        return handle.messageID
    }
}
