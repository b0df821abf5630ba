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

extension AdminCommand {
    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "promote",
            abstract: "Make a slave its group's master (after the master is lost).",
            discussion: """
                The slave stops copying, keeps everything it holds, accepts sends and registers as brokerId 0; \
                its config file gets brokerRole and brokerId=0 for the next start. Run it once the old master \
                is gone (the name server refuses a second live id 0). Check the slave's lag first with \
                `comet admin replication`.
                Example: comet admin promote -n 127.0.0.1:9876 -b 10.0.0.2:10911
                """)
        @OptionGroup var common: Common
        @Option(name: .shortAndLong, help: "The slave's address HOST:PORT.") var broker: String
        @Flag(help: "Become a SYNC_MASTER (default: ASYNC_MASTER).") var sync = false
        func run() async throws {
            let admin = common.admin()
            let role = sync ? "SYNC_MASTER" : "ASYNC_MASTER"
            do {
                try await admin.promote(broker: broker, role: role)
            } catch {
                await admin.shutdown()
                throw error
            }
            await admin.shutdown()
            try common.output(["promoted": broker, "role": role]) { "\(broker) is now \(role) (brokerId 0)" }
        }
    }
}
