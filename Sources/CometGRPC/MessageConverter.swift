import CometBroker
import CometCore
import CometGRPCStubs
import Foundation
import NIOCore
import SwiftProtobuf

/// Converts between v5 `Message`s and stored records, so messages cross protocols intact: tags,
/// keys, user properties, message group (`__SHARDINGKEY`), delivery time (`TIMER_DELIVER_MS`),
/// message id (`UNIQ_KEY`) and bodies (zlib-compressed remoting bodies go out as GZIP encoding,
/// which v5 clients inflate whether the bytes are gzip or zlib).
enum MessageConverter {
    /// Properties the broker or the v5 system properties own; the rest are user properties.
    static let systemKeys: Set<String> = [
        MessagePropertyKey.tags, MessagePropertyKey.keys, MessagePropertyKey.uniqueKey, MessagePropertyKey.wait,
        MessagePropertyKey.delayLevel, MessagePropertyKey.realTopic, MessagePropertyKey.realQueueID,
        MessagePropertyKey.transactionPrepared, MessagePropertyKey.producerGroup, MessagePropertyKey.cluster,
        MessagePropertyKey.reconsumeTime, MessagePropertyKey.maxReconsumeTimes, MessagePropertyKey.transactionID,
        MessagePropertyKey.shardingKey, MessagePropertyKey.timerDeliverMs, MessagePropertyKey.timerDelaySec,
        MessagePropertyKey.timerDelayMs, MessagePropertyKey.timerOutMs, MessagePropertyKey.transactionCheckTimes,
        MessagePropertyKey.checkImmunityTimeInSeconds, "MIN_OFFSET", "MAX_OFFSET", "CONSUME_START_TIME",
        "__STARTDELIVERTIME", "MSG_REGION", "TRACE_ON",
    ]

    /// Builds the record a v5 producer's message becomes (queue chosen by the caller).
    static func stored(
        _ message: Apache_Rocketmq_V2_Message, queueID: Int32, bornHost: MessageHost, body: ByteBuffer
    ) -> StoredMessage {
        let system = message.systemProperties
        var properties = message.userProperties
        if system.hasTag && !system.tag.isEmpty { properties[MessagePropertyKey.tags] = system.tag }
        if !system.keys.isEmpty { properties[MessagePropertyKey.keys] = system.keys.joined(separator: " ") }
        if !system.messageID.isEmpty { properties[MessagePropertyKey.uniqueKey] = system.messageID }
        if system.hasMessageGroup && !system.messageGroup.isEmpty {
            properties[MessagePropertyKey.shardingKey] = system.messageGroup
        }
        if system.hasDeliveryTimestamp {
            properties[MessagePropertyKey.timerDeliverMs] = String(millis(system.deliveryTimestamp))
        }
        var sysFlag: MessageSysFlag = []
        if system.messageType == .transaction {
            properties[MessagePropertyKey.transactionPrepared] = "true"
            // Checks go to producers that publish the topic (the Java proxy does the same).
            properties[MessagePropertyKey.producerGroup] = message.topic.name
            sysFlag = MessageSysFlag(rawValue: 0x4)
        }
        if system.hasOrphanedTransactionRecoveryDuration {
            let seconds = max(0, system.orphanedTransactionRecoveryDuration.seconds)
            properties[MessagePropertyKey.checkImmunityTimeInSeconds] = String(seconds)
        }
        let born = system.hasBornTimestamp ? millis(system.bornTimestamp) : 0
        return StoredMessage(
            topic: message.topic.name, queueID: queueID, body: body, properties: properties, sysFlag: sysFlag,
            bornTimestamp: born, bornHost: bornHost)
    }

    /// The v5 message a consumer receives for a record.
    static func message(
        _ stored: StoredMessage, receiptHandle: String?, attempt: Int32?, invisibleMillis: Int64?
    ) -> Apache_Rocketmq_V2_Message {
        var message = Apache_Rocketmq_V2_Message()
        message.topic.name = stored.topic
        var user: [String: String] = [:]
        for (key, value) in stored.properties where !systemKeys.contains(key) { user[key] = value }
        message.userProperties = user
        var system = Apache_Rocketmq_V2_SystemProperties()
        if let tag = stored.tags { system.tag = tag }
        system.keys = stored.keys
        system.messageID =
            stored.uniqueKey
            ?? OffsetMessageID(storeHost: stored.storeHost, commitLogOffset: stored.physicalOffset).description
        var digest = Apache_Rocketmq_V2_Digest()
        digest.type = .crc32
        let crc = stored.body.withUnsafeReadableBytes { CRC32.checksum($0) }
        let hex = String(crc, radix: 16, uppercase: true)
        digest.checksum = String(repeating: "0", count: max(0, 8 - hex.count)) + hex
        system.bodyDigest = digest
        system.bodyEncoding = stored.sysFlag.contains(.compressed) ? .gzip : .identity
        let group = stored.properties[MessagePropertyKey.shardingKey]
        if let group, !group.isEmpty { system.messageGroup = group }
        if stored.properties[MessagePropertyKey.transactionPrepared] == "true" || stored.preparedTransactionOffset > 0 {
            system.messageType = .transaction
        } else if group != nil {
            system.messageType = .fifo
        } else if stored.properties[MessagePropertyKey.timerDeliverMs] != nil
            || stored.properties[MessagePropertyKey.delayLevel] != nil
        {
            system.messageType = .delay
        } else {
            system.messageType = .normal
        }
        if let at = stored.properties[MessagePropertyKey.timerDeliverMs].flatMap({ Int64($0) }) {
            system.deliveryTimestamp = timestamp(at)
        }
        system.bornTimestamp = timestamp(stored.bornTimestamp)
        system.bornHost = host(stored.bornHost)
        system.storeTimestamp = timestamp(stored.storeTimestamp)
        system.storeHost = stored.storeHost.description
        system.queueID = stored.queueID
        system.queueOffset = stored.queueOffset
        if let receiptHandle { system.receiptHandle = receiptHandle }
        if let attempt { system.deliveryAttempt = attempt }
        if let invisibleMillis { system.invisibleDuration = duration(invisibleMillis) }
        message.systemProperties = system
        message.body = Data(stored.body.readableBytesView)
        return message
    }

    static func host(_ host: MessageHost) -> String {
        let text = host.description
        guard let colon = text.lastIndex(of: ":") else { return text }
        return String(text[..<colon])
    }

    static func millis(_ timestamp: Google_Protobuf_Timestamp) -> Int64 {
        timestamp.seconds * 1000 + Int64(timestamp.nanos / 1_000_000)
    }

    static func millis(_ duration: Google_Protobuf_Duration) -> Int64 {
        duration.seconds * 1000 + Int64(duration.nanos / 1_000_000)
    }

    static func timestamp(_ millis: Int64) -> Google_Protobuf_Timestamp {
        var timestamp = Google_Protobuf_Timestamp()
        timestamp.seconds = millis / 1000
        timestamp.nanos = Int32(millis % 1000) * 1_000_000
        return timestamp
    }

    static func duration(_ millis: Int64) -> Google_Protobuf_Duration {
        var duration = Google_Protobuf_Duration()
        duration.seconds = millis / 1000
        duration.nanos = Int32(millis % 1000) * 1_000_000
        return duration
    }

    static func duration(_ value: Duration) -> Google_Protobuf_Duration {
        duration(value.components.seconds * 1000 + value.components.attoseconds / 1_000_000_000_000_000)
    }

    /// The peer address gRPC reports (`ipv4:1.2.3.4:5678`, `ipv6:[::1]:5678`) as a BORNHOST.
    static func bornHost(peer: String) -> MessageHost {
        guard peer.hasPrefix("ipv4:") else { return .unspecified }
        let rest = peer.dropFirst(5)
        guard let colon = rest.lastIndex(of: ":"), let port = Int32(rest[rest.index(after: colon)...]) else {
            return .unspecified
        }
        return MessageHost(ipv4: String(rest[..<colon]), port: port) ?? .unspecified
    }
}
