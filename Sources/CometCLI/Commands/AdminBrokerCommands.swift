import ArgumentParser
import CometAdmin
import CometClient
import Foundation

extension AdminCommand {
    /// Where a broker-wide change goes: one broker, or every master of a cluster (or of all clusters).
    struct BrokerTarget: ParsableArguments {
        @Option(name: .shortAndLong, help: "Broker address HOST:PORT (default: every master broker).")
        var broker: String?

        @Option(name: .shortAndLong, help: "Only the master brokers of this cluster.")
        var cluster: String?
    }

    struct Cluster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cluster", abstract: "List clusters and brokers with their traffic (mqadmin clusterList).",
            discussion: """
                Columns: cluster, broker name, broker id (0 = master), address, version, messages per second \
                in and out over the last 10 s (empty in a broker's first 10 s), messages stored and delivered \
                today and yesterday, commit-log disk usage (0..1).
                """,
            aliases: ["clusterList"])
        @OptionGroup var common: Common
        func run() async throws {
            let admin = common.admin()
            let brokers = try await admin.clusterSummary()
            await admin.shutdown()
            try common.output(brokers) {
                table(
                    [
                        "#cluster", "#broker", "#id", "#address", "#version", "#inTPS", "#outTPS", "#inToday",
                        "#outToday", "#inYesterday", "#outYesterday", "#diskRatio",
                    ],
                    brokers.map {
                        [
                            $0.cluster, $0.brokerName, "\($0.brokerId)", $0.address, $0.version, $0.inTps, $0.outTps,
                            "\($0.putTodayNow)", "\($0.getTodayNow)", "\($0.putYesterday)", "\($0.getYesterday)",
                            $0.commitLogDiskRatio,
                        ]
                    })
            }
        }
    }

    struct BrokerStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "broker-status",
            abstract: "A broker's runtime figures: TPS, totals, queues, disk (mqadmin brokerStatus).",
            aliases: ["brokerStatus"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Broker address HOST:PORT.") var broker: String
        func run() async throws {
            let admin = common.admin()
            let table = try await admin.runtimeInfo(broker: broker)
            await admin.shutdown()
            try common.output(table) {
                table.sorted { $0.key < $1.key }.map { "\($0.key)\t: \($0.value)" }.joined(separator: "\n")
            }
        }
    }

    struct GetBrokerConfig: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "broker-config", abstract: "Print the settings a broker runs with (mqadmin getBrokerConfig).",
            aliases: ["getBrokerConfig"])
        @OptionGroup var common: Common
        @OptionGroup var target: BrokerTarget
        func run() async throws {
            let admin = common.admin()
            var configs: [String: [String: String]] = [:]
            var text: [String] = []
            for address in try await admin.targets(broker: target.broker, cluster: target.cluster) {
                let pairs = try await admin.brokerConfig(broker: address)
                configs[address] = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
                text.append("============\(address)============")
                text += pairs.map { "\($0.key) = \($0.value)" }
            }
            await admin.shutdown()
            try common.output(configs) { text.joined(separator: "\n") }
        }
    }

    struct UpdateBrokerConfig: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update-broker-config",
            abstract: "Change one broker setting at run time; it is also written to the broker's config file.",
            discussion: "Example: comet admin updateBrokerConfig -n 127.0.0.1:9876 -k maxMessageSize -v 1048576",
            aliases: ["updateBrokerConfig"])
        @OptionGroup var common: Common
        @OptionGroup var target: BrokerTarget
        @Option(name: .shortAndLong, help: "Setting name (as in broker.conf).") var key: String
        @Option(name: .shortAndLong, help: "New value.") var value: String
        func run() async throws {
            let admin = common.admin()
            let brokers = try await admin.updateBrokerConfig(
                key: key, value: value, broker: target.broker, cluster: target.cluster)
            await admin.shutdown()
            try common.output(["updated": brokers]) { "\(key)=\(value) set on \(brokers.joined(separator: ", "))" }
        }
    }

    struct TopicClusters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "topic-clusters", abstract: "The clusters that serve a topic (mqadmin topicClusterList).",
            aliases: ["topicClusterList"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        func run() async throws {
            let admin = common.admin()
            let clusters = try await admin.topicClusters(topic)
            await admin.shutdown()
            try common.output(clusters) { clusters.joined(separator: "\n") }
        }
    }

    struct WipeWritePerm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wipe-write-perm",
            abstract: "Take write permission from a broker on every name server (mqadmin wipeWritePerm).",
            discussion: """
                Producers stop sending to a broker without write permission while consumers still read it, \
                e.g. before taking it down: comet admin wipeWritePerm -n 127.0.0.1:9876 -b broker-a
                """,
            aliases: ["wipeWritePerm"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Broker name.") var broker: String
        func run() async throws { try await setWritePermission(common, broker: broker, enabled: false) }
    }

    struct AddWritePerm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-write-perm",
            abstract: "Give a broker its write permission back on every name server (mqadmin addWritePerm).",
            aliases: ["addWritePerm"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Broker name.") var broker: String
        func run() async throws { try await setWritePermission(common, broker: broker, enabled: true) }
    }

    struct UpdateKVConfig: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update-kv-config", abstract: "Set a name-server KV entry on every name server.",
            aliases: ["updateKvConfig"])
        @OptionGroup var common: Common
        @Option(name: [.customShort("s"), .customLong("namespace")], help: "Namespace.") var namespace: String
        @Option(name: .shortAndLong, help: "Key.") var key: String
        @Option(name: .shortAndLong, help: "Value.") var value: String
        func run() async throws {
            let admin = common.admin()
            try await admin.setKVConfig(namespace: namespace, key: key, value: value)
            await admin.shutdown()
            try common.output(["namespace": namespace, "key": key, "value": value]) {
                "\(namespace) \(key)=\(value)"
            }
        }
    }

    struct DeleteKVConfig: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete-kv-config", abstract: "Delete a name-server KV entry on every name server.",
            aliases: ["deleteKvConfig"])
        @OptionGroup var common: Common
        @Option(name: [.customShort("s"), .customLong("namespace")], help: "Namespace.") var namespace: String
        @Option(name: .shortAndLong, help: "Key.") var key: String
        func run() async throws {
            let admin = common.admin()
            try await admin.setKVConfig(namespace: namespace, key: key, value: nil)
            await admin.shutdown()
            try common.output(["namespace": namespace, "deleted": key]) { "\(namespace) \(key) deleted" }
        }
    }

    struct UpdateOrderConf: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update-order-conf",
            abstract: "Set or delete a topic's ordered-queue layout (name-server KV namespace ORDER_TOPIC_CONFIG).",
            discussion: "Example: comet admin updateOrderConf -n 127.0.0.1:9876 -t Orders -v 'broker-a:4;broker-b:4'",
            aliases: ["updateOrderConf"])
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "Topic.") var topic: String
        @Option(name: .shortAndLong, help: "BROKER:QUEUES pairs separated by ';' (needed with put).") var value: String?
        @Option(name: .shortAndLong, help: "put or delete.") var method = "put"
        func run() async throws {
            guard method == "put" || method == "delete" else { throw ValidationError("--method must be put or delete") }
            guard method == "delete" || value != nil else { throw ValidationError("--value is needed with put") }
            let admin = common.admin()
            try await admin.setKVConfig(
                namespace: "ORDER_TOPIC_CONFIG", key: topic, value: method == "put" ? value : nil)
            await admin.shutdown()
            try common.output(["topic": topic, "method": method, "value": value ?? ""]) {
                method == "put" ? "order conf of \(topic) = \(value ?? "")" : "order conf of \(topic) deleted"
            }
        }
    }

    struct ClusterRT: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cluster-rt",
            abstract: "Send round-trip time to each master broker (mqadmin clusterRT), in milliseconds.",
            discussion: "Each broker gets --count small messages on its own topic (named after the broker).",
            aliases: ["clusterRT"])
        @OptionGroup var common: Common
        @Option(name: [.short, .customLong("count")], help: "Messages per broker.") var amount = 10
        func run() async throws {
            guard amount > 0 else { throw ValidationError("--count must be positive") }
            let admin = common.admin()
            let results = try await admin.clusterRoundTrips(count: amount, configuration: common.clientConfiguration)
            await admin.shutdown()
            let rows = results.map { result in
                RoundTrip(
                    brokerName: result.brokerName, address: result.address,
                    averageMillis: result.millis.reduce(0, +) / Double(max(1, result.millis.count)),
                    maxMillis: result.millis.max() ?? 0, count: result.millis.count)
            }
            try common.output(rows) {
                table(
                    ["#broker", "#address", "#avgRT(ms)", "#maxRT(ms)", "#count"],
                    rows.map {
                        [
                            $0.brokerName, $0.address, String(format: "%.2f", $0.averageMillis),
                            String(format: "%.2f", $0.maxMillis), "\($0.count)",
                        ]
                    })
            }
        }

        struct RoundTrip: Encodable {
            var brokerName: String
            var address: String
            var averageMillis: Double
            var maxMillis: Double
            var count: Int
        }
    }
}

private func setWritePermission(_ common: AdminCommand.Common, broker: String, enabled: Bool) async throws {
    let admin = common.admin()
    let counts = try await admin.setWritePermission(brokerName: broker, enabled: enabled)
    await admin.shutdown()
    try common.output(["topics": counts]) {
        "\(enabled ? "restored" : "removed") write permission of \(broker): "
            + counts.map { "\($0) topic(s)" }.joined(separator: ", ") + " per name server"
    }
}

/// Left-aligned columns separated by two spaces.
func table(_ header: [String], _ rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in
        all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
    }
    return all.map { row in
        row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}
