import ArgumentParser
import CometAdmin
import CometClient
import Foundation

extension AdminCommand {
    struct StatsAll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats-all",
            abstract: "Per topic and consuming group: backlog, in/out TPS (last minute), in/out messages in 24 h.",
            discussion: "From the brokers' own statistics (VIEW_BROKER_STATS_DATA), as mqadmin statsAll.",
            aliases: ["statsAll"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Only this topic.") var topic: String?
        @Flag(name: [.short, .customLong("active-topic")], help: "Only rows with traffic in the last 24 hours.")
        var activeTopic = false
        func run() async throws {
            let admin = common.admin()
            let rows = try await admin.statsAll(topic: topic, activeOnly: activeTopic)
            await admin.shutdown()
            try common.output(rows) {
                table(
                    ["#topic", "#group", "#accumulation", "#inTPS", "#outTPS", "#inMsg24Hour", "#outMsg24Hour"],
                    rows.map {
                        [
                            $0.topic, $0.group ?? "", "\($0.accumulation)", String(format: "%.2f", $0.inTps),
                            $0.group == nil ? "" : String(format: "%.2f", $0.outTps), "\($0.inMessages24h)",
                            $0.group == nil ? "NO_CONSUMER" : "\($0.outMessages24h)",
                        ]
                    })
            }
        }
    }

    struct AllocateMQ: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "allocate-mq",
            abstract: "Show how the default (averagely) strategy splits a topic's queues between clients.",
            discussion: "Example: comet admin allocateMQ -n 127.0.0.1:9876 -t Orders -i 10.0.0.1,10.0.0.2",
            aliases: ["allocateMQ"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        @Option(name: [.customShort("i"), .customLong("clients")], help: "Client ids (or IPs), comma-separated.")
        var clients: String
        func run() async throws {
            let ids = clients.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            guard !ids.isEmpty else { throw ValidationError("--clients names no client") }
            let admin = common.admin()
            let allocation = try await admin.allocation(topic: topic, clientIds: ids)
            await admin.shutdown()
            try common.output(["result": allocation]) {
                ids.map { id in
                    "\(id): " + (allocation[id] ?? []).map { "\($0.brokerName):\($0.queueId)" }.joined(separator: " ")
                }.joined(separator: "\n")
            }
        }
    }
}
