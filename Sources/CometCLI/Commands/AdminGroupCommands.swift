import ArgumentParser
import CometAdmin
import CometClient
import CometProtocol
import Foundation

extension AdminCommand {
    struct UpdateSubGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update-sub-group",
            abstract: "Create or update a consumer group's broker-side settings (mqadmin updateSubGroup).",
            discussion: """
                Settings not given keep their current value (RocketMQ's defaults for a new group). They take \
                effect at once and persist in the broker's config/subscriptionGroup.json.
                Example: comet admin updateSubGroup -n 127.0.0.1:9876 -g orders-consumer --retry-max-times 3
                """,
            aliases: ["updateSubGroup"])
        @OptionGroup var common: Common
        @OptionGroup var target: BrokerTarget
        @Option(name: .shortAndLong, help: "Consumer group.") var group: String
        @Option(help: "Deliveries before a message goes to %DLQ%<group>.") var retryMaxTimes: Int32?
        @Option(help: "Retry queues.") var retryQueueNums: Int32?
        @Option(help: "Whether the group may consume at all (true/false).") var consumeEnable: Bool?
        @Option(help: "Whether members may consume in broadcasting mode (true/false).") var consumeBroadcastEnable:
            Bool?
        @Option(help: "Whether a queue without an offset starts at its minimum (true/false).")
        var consumeFromMinEnable: Bool?
        @Option(help: "Broker id pulls are suggested to use (0 = master).") var brokerId: Int64?
        @Option(help: "Broker id suggested when the group reads far behind.") var whichBrokerWhenConsumeSlowly: Int64?
        @Option(help: "Whether members are told when the group changes (true/false).")
        var notifyConsumerIdsChangedEnable: Bool?
        @Option(help: "Whether 5.x (POP) consumers get one message per message group at a time (true/false).")
        var consumeMessageOrderly: Bool?
        @Option(
            help: ArgumentHelp(
                "How 5.x (gRPC) consumers of the group share messages: clustering (each message to one client) or "
                    + "broadcasting (every client gets every message).", valueName: "model"))
        var messageModel: GroupMessageModel?

        enum GroupMessageModel: String, ExpressibleByArgument, CaseIterable {
            case clustering, broadcasting
        }

        func run() async throws {
            let admin = common.admin()
            var config = try await admin.subscriptionGroup(group) ?? SubscriptionGroupConfig(groupName: group)
            if let retryMaxTimes { config.retryMaxTimes = retryMaxTimes }
            if let retryQueueNums { config.retryQueueNums = retryQueueNums }
            if let consumeEnable { config.consumeEnable = consumeEnable }
            if let consumeBroadcastEnable { config.consumeBroadcastEnable = consumeBroadcastEnable }
            if let consumeFromMinEnable { config.consumeFromMinEnable = consumeFromMinEnable }
            if let brokerId { config.brokerId = brokerId }
            if let whichBrokerWhenConsumeSlowly { config.whichBrokerWhenConsumeSlowly = whichBrokerWhenConsumeSlowly }
            if let notifyConsumerIdsChangedEnable {
                config.notifyConsumerIdsChangedEnable = notifyConsumerIdsChangedEnable
            }
            if let consumeMessageOrderly { config.consumeMessageOrderly = consumeMessageOrderly }
            if let messageModel { config.messageModel = messageModel.rawValue.uppercased() }
            let brokers = try await admin.updateSubscriptionGroup(
                config, broker: target.broker, cluster: target.cluster)
            await admin.shutdown()
            try common.output(["updated": brokers]) {
                "group \(group) (retryMaxTimes=\(config.retryMaxTimes), consumeEnable=\(config.consumeEnable), "
                    + "consumeBroadcastEnable=\(config.consumeBroadcastEnable)) updated on "
                    + brokers.joined(separator: ", ")
            }
        }
    }

    struct DeleteSubGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete-sub-group", abstract: "Delete a consumer group's settings (mqadmin deleteSubGroup).",
            aliases: ["deleteSubGroup"])
        @OptionGroup var common: Common
        @OptionGroup var target: BrokerTarget
        @Option(name: .shortAndLong, help: "Consumer group.") var group: String
        @Flag(help: "Also delete the group's committed offsets.") var removeOffsets = false
        func run() async throws {
            let admin = common.admin()
            let brokers = try await admin.deleteSubscriptionGroup(
                group, removeOffsets: removeOffsets, broker: target.broker, cluster: target.cluster)
            await admin.shutdown()
            try common.output(["deleted": brokers]) { "group \(group) deleted on \(brokers.joined(separator: ", "))" }
        }
    }

    struct ConsumerProgress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "consumer-progress",
            abstract: "Per-queue offsets and lag of a group (on one topic or all), or of every group of a topic.",
            discussion: """
                With -g only: every topic the group has offsets for. With -t only: every group that consumes \
                the topic or has offsets on it. (mqadmin consumerProgress)
                """,
            aliases: ["consumerProgress"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Consumer group.") var group: String?
        @Option(name: .shortAndLong, help: "Topic.") var topic: String?
        func validate() throws {
            guard group != nil || topic != nil else { throw ValidationError("give --group, --topic or both") }
        }
        func run() async throws {
            let admin = common.admin()
            let rows = try await admin.consumerProgress(group: group, topic: topic)
            await admin.shutdown()
            try common.output(rows) {
                table(
                    [
                        "#group", "#topic", "#broker", "#queue", "#brokerOffset", "#consumerOffset", "#diff",
                        "#lastTime",
                    ],
                    rows.map {
                        [
                            $0.group, $0.topic, $0.brokerName, "\($0.queueId)", "\($0.brokerOffset)",
                            "\($0.consumerOffset)", "\($0.diff)", timeText($0.lastTimestamp),
                        ]
                    }) + "\n\nDiff Total: \(rows.reduce(0) { $0 + $1.diff })"
            }
        }
    }

    struct ConsumerConnection: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "consumer-connection",
            abstract: "A consumer group's live members and subscriptions (mqadmin consumerConnection).",
            aliases: ["consumerConnection"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Consumer group.") var group: String
        func run() async throws {
            let admin = common.admin()
            let members = try await admin.consumerMembers(group)
            await admin.shutdown()
            try common.output(members) {
                table(
                    ["#clientId", "#address", "#language", "#version"],
                    members.connections.map { [$0.clientId, $0.clientAddr, $0.language, "\($0.version)"] })
                    + "\n\n"
                    + table(
                        ["#topic", "#subscription"],
                        members.subscriptions.sorted { $0.key < $1.key }.map { [$0.key, $0.value] })
                    + "\n\nconsumeType: \(members.consumeType)\nmessageModel: \(members.messageModel)"
                    + "\nconsumeFromWhere: \(members.consumeFromWhere)"
            }
        }
    }

    struct ProducerConnection: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "producer-connection",
            abstract: "A producer group's connections on every broker (mqadmin producerConnection).",
            aliases: ["producerConnection"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Producer group.") var group: String
        func run() async throws {
            let admin = common.admin()
            let connections = try await admin.producerConnections(group)
            await admin.shutdown()
            try common.output(connections) {
                table(
                    ["#clientId", "#address", "#language", "#version"],
                    connections.map { [$0.clientId, $0.clientAddr, $0.language, "\($0.version)"] })
            }
        }
    }

    struct ConsumerStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "consumer-status",
            abstract:
                "Each live member's own report: settings, subscriptions, queues and TPS (mqadmin consumerStatus).",
            discussion: "Prints the JSON each client answers GET_CONSUMER_RUNNING_INFO with, by client id.",
            aliases: ["consumerStatus"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Consumer group.") var group: String
        @Option(name: [.customShort("i"), .customLong("client-id")], help: "Only this client.") var clientId: String?
        func run() async throws {
            let admin = common.admin()
            let reports = try await admin.consumerRunningInfo(group, clientId: clientId)
            await admin.shutdown()
            try common.output(reports) {
                reports.sorted { $0.key < $1.key }.map { "=== \($0.key)\n\($0.value)" }.joined(separator: "\n")
            }
        }
    }

    struct CloneGroupOffset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clone-group-offset",
            abstract: "Copy one group's offsets on a topic to another group (mqadmin cloneGroupOffset).",
            aliases: ["cloneGroupOffset"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Group to copy from.") var source: String
        @Option(name: .shortAndLong, help: "Group to copy to.") var destination: String
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        @Flag(help: "Copy even if the source group is online and does not subscribe to the topic.")
        var offline = false
        func run() async throws {
            let admin = common.admin()
            let brokers = try await admin.cloneGroupOffsets(
                source: source, destination: destination, topic: topic, offline: offline)
            await admin.shutdown()
            try common.output(["brokers": brokers]) {
                "offsets of \(source) on \(topic) copied to \(destination) on \(brokers.joined(separator: ", "))"
            }
        }
    }
}

/// A store timestamp for people (local time), or "-" for none.
private func timeText(_ millis: Int64) -> String {
    guard millis > 0 else { return "-" }
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
}
