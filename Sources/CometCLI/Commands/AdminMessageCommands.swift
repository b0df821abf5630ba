import ArgumentParser
import CometAdmin
import CometClient
import CometCommandSupport
import Foundation

extension AdminCommand {
    struct QueryMsgById: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "query-msg-by-id",
            abstract: "Show messages by offset message id (the broker's id, as send results print it).",
            aliases: ["queryMsgById"])
        @OptionGroup var common: Common
        @Option(
            name: [.customShort("i"), .customLong("id")], help: "Offset message id (repeatable, or comma-separated).")
        var ids: [String]
        func run() async throws {
            let admin = common.admin()
            var found: [MessageView] = []
            for id in ids.flatMap({ $0.split(separator: ",").map(String.init) }) {
                found.append(try await admin.message(offsetMessageId: id))
            }
            await admin.shutdown()
            try common.output(found) { messagesText(found) }
        }
    }

    struct QueryMsgByKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "query-msg-by-key", abstract: "Find a topic's messages by key (the index of KEYS).",
            aliases: ["queryMsgByKey"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        @Option(name: .shortAndLong, help: "Message key.") var key: String
        @Option(help: "Stored at or after this time (ms since the epoch).") var begin: Int64 = 0
        @Option(help: "Stored at or before this time (ms since the epoch).") var end = Int64.max
        @Option(help: "At most this many per broker.") var max: Int32 = 64
        func run() async throws {
            let admin = common.admin()
            let found = try await admin.messages(
                topic: topic, key: key, uniqueKey: false, maxCount: max, begin: begin, end: end)
            await admin.shutdown()
            try common.output(found) { messagesText(found) }
        }
    }

    struct QueryMsgByUniqueKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "query-msg-by-unique-key",
            abstract: "Find a message by the producer's message id (UNIQ_KEY), as the client's send result shows it.",
            aliases: ["queryMsgByUniqueKey"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        @Option(name: [.customShort("i"), .customLong("id")], help: "The producer's message id.") var id: String
        func run() async throws {
            let admin = common.admin()
            let found = try await admin.messages(topic: topic, key: id, uniqueKey: true)
            await admin.shutdown()
            try common.output(found) { messagesText(found) }
        }
    }

    struct QueryMsgByOffset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "query-msg-by-offset", abstract: "Show the message at a queue offset.",
            aliases: ["queryMsgByOffset"])
        @OptionGroup var common: Common
        @OptionGroup var queue: QueueOptions
        @Option(name: .shortAndLong, help: "Queue offset.") var offset: Int64
        func run() async throws {
            let admin = common.admin()
            let found = try await admin.messages(in: queue.messageQueue, from: offset, count: 1)
            await admin.shutdown()
            guard let message = found.first, message.queueOffset == offset else {
                throw ValidationError("no message at offset \(offset) of \(queue.messageQueue)")
            }
            try common.output(message) { messagesText([message]) }
        }
    }

    struct ConsumeMessage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "consume-message",
            abstract: "Print a range of one queue's messages without committing anything (mqadmin consumeMessage).",
            aliases: ["consumeMessage"])
        @OptionGroup var common: Common
        @OptionGroup var queue: QueueOptions
        @Option(name: .shortAndLong, help: "First queue offset (default: the queue's first message).")
        var offset: Int64?
        @Option(name: [.short, .customLong("count")], help: "How many messages.") var count = 128
        func run() async throws {
            guard count > 0 else { throw ValidationError("--count must be positive") }
            let admin = common.admin()
            let start: Int64
            if let offset {
                start = offset
            } else {
                start =
                    try await admin.queues(of: queue.topic, brokerName: queue.broker)
                    .first { $0.queueId == queue.queueId }?.minOffset ?? 0
            }
            let found = try await admin.messages(in: queue.messageQueue, from: start, count: count)
            await admin.shutdown()
            try common.output(found) { messagesText(found) }
        }
    }

    struct PrintMsg: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "print-msg",
            abstract: "Print a topic's messages, every queue from its first offset (mqadmin printMsg).",
            aliases: ["printMsg"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        @Option(help: "Stored at or after this time (ms since the epoch).") var begin: Int64 = 0
        @Option(help: "Stored at or before this time (ms since the epoch).") var end = Int64.max
        @Option(help: "At most this many messages per queue.") var max = 1000
        func run() async throws {
            let admin = common.admin()
            var found: [MessageView] = []
            for status in try await admin.queues(of: topic) where status.maxOffset > status.minOffset {
                let queue = CometClient.MessageQueue(
                    topic: topic, brokerName: status.brokerName, queueId: status.queueId)
                found += try await admin.messages(
                    in: queue, from: status.minOffset, count: Int(min(Int64(max), status.maxOffset - status.minOffset))
                ).filter { $0.storeTimestamp >= begin && $0.storeTimestamp <= end }
            }
            await admin.shutdown()
            try common.output(found) { messagesText(found) }
        }
    }

    struct SendMessage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send-message", abstract: "Send one message and print where it went (mqadmin sendMessage).",
            aliases: ["sendMessage"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        @Option(name: [.customShort("p"), .customLong("body")], help: "Message body (UTF-8).") var body: String
        @Option(name: .shortAndLong, help: "Keys, separated by spaces.") var keys: String?
        @Option(name: [.customShort("c"), .customLong("tags")], help: "Tag.") var tags: String?
        @Option(name: .shortAndLong, help: "Broker name (with --queue-id: send to that queue).") var broker: String?
        @Option(name: [.customShort("i"), .customLong("queue-id")], help: "Queue id on --broker.") var queueId: Int32?
        func validate() throws {
            guard (broker == nil) == (queueId == nil) else {
                throw ValidationError("give --broker and --queue-id together")
            }
        }
        func run() async throws {
            bootstrapQuietLogging()
            let producer = Producer(group: "comet-admin-send", configuration: common.clientConfiguration)
            try await producer.start()
            let message = Message(
                topic: topic, text: body, tags: tags, keys: keys.map { $0.split(separator: " ").map(String.init) } ?? []
            )
            let result: SendResult
            do {
                if let broker, let queueId {
                    result = try await producer.send(
                        message, to: MessageQueue(topic: topic, brokerName: broker, queueId: queueId))
                } else {
                    result = try await producer.send(message)
                }
            } catch {
                await producer.shutdown()
                throw error
            }
            await producer.shutdown()
            let sent = Sent(
                status: "\(result.status)", messageId: result.messageId, offsetMessageId: result.offsetMessageId,
                brokerName: result.queue.brokerName, queueId: result.queue.queueId, queueOffset: result.queueOffset)
            try common.output(sent) {
                table(
                    ["#broker", "#queue", "#queueOffset", "#status", "#msgId", "#offsetMsgId"],
                    [
                        [
                            sent.brokerName, "\(sent.queueId)", "\(sent.queueOffset)", sent.status, sent.messageId,
                            sent.offsetMessageId,
                        ]
                    ])
            }
        }

        struct Sent: Encodable {
            var status: String
            var messageId: String
            var offsetMessageId: String
            var brokerName: String
            var queueId: Int32
            var queueOffset: Int64
        }
    }

    /// One queue of a topic, named as mqadmin does (`-t`, `-b` broker name, `-i` queue id).
    struct QueueOptions: ParsableArguments {
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        @Option(name: .shortAndLong, help: "Broker name.") var broker: String
        @Option(name: [.customShort("i"), .customLong("queue-id")], help: "Queue id.") var queueId: Int32
        var messageQueue: CometClient.MessageQueue {
            CometClient.MessageQueue(topic: topic, brokerName: broker, queueId: queueId)
        }
    }
}

/// Messages for people: one block each.
private func messagesText(_ messages: [MessageView]) -> String {
    guard !messages.isEmpty else { return "no message found" }
    return messages.map { m in
        let time = { (millis: Int64) in
            ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
        }
        return [
            "OffsetID:         \(m.offsetMessageId)",
            "MsgId:            \(m.uniqueKey ?? "-")",
            "Topic:            \(m.topic)",
            "Tags:             [\(m.tags ?? "")]",
            "Keys:             [\(m.keys.joined(separator: " "))]",
            "Queue:            \(m.brokerName ?? "?"):\(m.queueId) offset \(m.queueOffset)",
            "CommitLog Offset: \(m.commitLogOffset)",
            "Reconsume Times:  \(m.reconsumeTimes)",
            "Born:             \(time(m.bornTimestamp)) from \(m.bornHost)",
            "Stored:           \(time(m.storeTimestamp)) at \(m.storeHost)",
            "Properties:       "
                + m.properties.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "),
            "Body:             \(m.body)",
        ].joined(separator: "\n")
    }.joined(separator: "\n\n")
}
