import ArgumentParser
import CometAdmin
import CometClient
import CometCommandSupport
import Foundation

/// `comet admin …`: cluster administration.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Administer a cluster: topics, routes, queue offsets, consumer group lag, cluster layout.",
        discussion: """
            Commands also answer to their mqadmin names (clusterList, updateTopic, consumerProgress, ...). \
            Output is a text table; --json prints JSON for scripts. Errors name the broker and the response code.
            """,
        subcommands: [
            Cluster.self, Replication.self, Promote.self, BrokerStatus.self, GetBrokerConfig.self,
            UpdateBrokerConfig.self, Topics.self, CreateTopic.self, DeleteTopic.self, Route.self, TopicStatus.self,
            TopicClusters.self,
            UpdateSubGroup.self, DeleteSubGroup.self, ConsumerProgress.self, ConsumerConnection.self,
            ProducerConnection.self, ConsumerStatus.self, GroupProgress.self, ResetOffset.self,
            CloneGroupOffset.self, WipeWritePerm.self, AddWritePerm.self, UpdateKVConfig.self, DeleteKVConfig.self,
            UpdateOrderConf.self, ClusterRT.self, QueryMsgById.self, QueryMsgByKey.self, QueryMsgByUniqueKey.self,
            QueryMsgByOffset.self, PrintMsg.self, ConsumeMessage.self, SendMessage.self, StatsAll.self, AllocateMQ.self,
            DeadLetters.self, ACL.self,
        ])

    struct Common: ParsableArguments {
        @Option(name: [.short, .customLong("namesrv")], help: "Name server addresses, HOST:PORT separated by ';'.")
        var namesrv = "127.0.0.1:9876"

        @Flag(help: "Print JSON.")
        var json = false

        @OptionGroup var connection: ConnectionOptions

        /// The client configuration these options name (name servers, credentials, TLS).
        var clientConfiguration: ClientConfiguration { connection.apply(to: ClientConfiguration(namesrvAddr: namesrv)) }

        func admin() -> Admin {
            bootstrapQuietLogging()
            return Admin(configuration: clientConfiguration)
        }

        func output<T: Encodable>(_ value: T, table: () -> String) throws {
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                print(String(decoding: try encoder.encode(value), as: UTF8.self))
            } else {
                print(table())
            }
        }
    }

    struct Topics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "topics", abstract: "List every routed topic (mqadmin topicList).", aliases: ["topicList"])
        @OptionGroup var common: Common
        func run() async throws {
            let admin = common.admin()
            let topics = try await admin.topics()
            await admin.shutdown()
            try common.output(topics) { topics.joined(separator: "\n") }
        }
    }

    struct CreateTopic: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-topic", abstract: "Create or update a topic on every master broker.",
            aliases: ["updateTopic"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        @Option(help: "Read and write queues per broker.") var queues: Int32 = 8
        @Option(help: "Only brokers of this cluster.") var cluster: String?
        @Flag(help: "Mark the topic as ordered.") var order = false
        func run() async throws {
            let admin = common.admin()
            let brokers = try await admin.createTopic(
                topic, readQueues: queues, writeQueues: queues, cluster: cluster, order: order)
            await admin.shutdown()
            try common.output(brokers) {
                "created \(topic) with \(queues) queues on \(brokers.joined(separator: ", "))"
            }
        }
    }

    struct DeleteTopic: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete-topic", abstract: "Delete a topic from every broker and name server.",
            aliases: ["deleteTopic"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        func run() async throws {
            let admin = common.admin()
            try await admin.deleteTopic(topic)
            await admin.shutdown()
            try common.output(["deleted": topic]) { "deleted \(topic)" }
        }
    }

    struct Route: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "route", abstract: "Show which brokers serve a topic (mqadmin topicRoute).",
            aliases: ["topicRoute"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        func run() async throws {
            let admin = common.admin()
            let route = try await admin.route(topic)
            await admin.shutdown()
            try common.output(route) {
                route.queues.map { "\($0.brokerName)\tread=\($0.readQueues)\twrite=\($0.writeQueues)\tperm=\($0.perm)" }
                    .joined(separator: "\n")
            }
        }
    }

    struct TopicStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "topic-status", abstract: "Min and max offsets of every queue of a topic.",
            aliases: ["topicStatus"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        func run() async throws {
            let admin = common.admin()
            let status = try await admin.topicStatus(topic)
            await admin.shutdown()
            try common.output(status) {
                (["broker\tqueue\tmin\tmax"]
                    + status.map { "\($0.brokerName)\t\($0.queueId)\t\($0.minOffset)\t\($0.maxOffset)" })
                    .joined(separator: "\n")
            }
        }
    }

    struct GroupProgress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "group-progress",
            abstract: "A consumer group's committed offset and lag on every queue of a topic.")
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Consumer group.") var group: String
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        func run() async throws {
            let admin = common.admin()
            let progress = try await admin.groupProgress(group, topic: topic)
            await admin.shutdown()
            try common.output(progress) {
                (["broker\tqueue\tmax\tconsumer\tlag"]
                    + progress.map {
                        "\($0.brokerName)\t\($0.queueId)\t\($0.maxOffset)\t\($0.consumerOffset.map(String.init) ?? "-")\t\($0.lag)"
                    } + ["total lag: \(progress.reduce(0) { $0 + $1.lag })"]).joined(separator: "\n")
            }
        }
    }

    struct DeadLetters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dead-letters",
            abstract: "List a consumer group's dead-letter queue, or re-send it to the original topics with --resend.")
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Consumer group.") var group: String
        @Flag(help: "Send every message not re-sent before back to its original topic.") var resend = false
        func run() async throws {
            let admin = common.admin()
            if resend {
                let count = try await admin.resendDeadLetters(
                    of: group, configuration: common.clientConfiguration)
                await admin.shutdown()
                try common.output(["resent": count]) { "re-sent \(count) message(s) of %DLQ%\(group)" }
            } else {
                let letters = try await admin.deadLetters(of: group)
                await admin.shutdown()
                try common.output(letters) {
                    letters.map {
                        "\($0.queueOffset)\t\($0.messageId)\t\($0.originalTopic)\treconsumed=\($0.reconsumeTimes)\t\($0.body)"
                    }
                    .joined(separator: "\n")
                }
            }
        }
    }

    struct ResetOffset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-offset",
            abstract: "Move a group's offsets on a topic to a time (re-consume from there); live consumers follow.",
            aliases: ["resetOffsetByTime"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Consumer group.") var group: String
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        @Option(help: "Milliseconds since the epoch; -1 = the end of every queue.") var timestamp: Int64
        func run() async throws {
            let admin = common.admin()
            let queues = try await admin.resetOffsets(group: group, topic: topic, timestamp: timestamp)
            await admin.shutdown()
            try common.output(["queues": queues]) { "reset \(queues) queue(s) of \(topic) for \(group)" }
        }
    }
}
