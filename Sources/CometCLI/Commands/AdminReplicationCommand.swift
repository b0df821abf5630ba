import ArgumentParser
import CometAdmin

extension AdminCommand {
    struct Replication: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replication",
            abstract: "Each broker group's master and slaves, replication lag and HA connection state.",
            discussion: """
                Columns: cluster, broker name, broker id (0 = master), address, role, commit-log end, bytes \
                behind the group's master, HA state (a master's connected slaves with the offset each \
                acknowledged; a slave's connection to its master).
                Example: comet admin replication -n 127.0.0.1:9876
                """,
            aliases: ["ha"])
        @OptionGroup var common: Common
        func run() async throws {
            let admin = common.admin()
            let rows = try await admin.replicationStatus()
            await admin.shutdown()
            try common.output(rows) {
                table(
                    ["#cluster", "#broker", "#id", "#address", "#role", "#logEnd", "#lagBytes", "#ha"],
                    rows.map {
                        [
                            $0.cluster, $0.brokerName, "\($0.brokerId)", $0.address, $0.role,
                            "\($0.commitLogMaxOffset)",
                            $0.lagBytes.map { "\($0)" } ?? "-", $0.haState,
                        ]
                    })
            }
        }
    }
}
