import ArgumentParser
import CometBroker
import CometCore
import CometStore
import Foundation
import Logging

/// Broker flags shared by `comet broker` and `comet standalone`. Flags override `--config`.
struct BrokerOptions: ParsableArguments {
    @Option(help: "Address clients connect to, HOST:PORT (default 0.0.0.0:10911; port 0 picks a free port).")
    var listen: HostAndPort?

    @Option(help: "Data folder: commit log, consume queues, index and config/*.json.")
    var data: String?

    @Option(help: "Broker name (brokerName); master and slaves of one shard share it.")
    var name: String?

    @Option(help: "Cluster name (brokerClusterName).")
    var cluster: String?

    @Option(
        help: """
            Broker id (brokerId): 0 = master, 1 or more = a slave of the master with the same --name \
            (brokerRole=SLAVE unless brokerRole in --config says otherwise).
            """)
    var id: Int64?

    @Option(
        help:
            "Host advertised to name servers and clients (brokerIP1); default: the listen host, or the first non-loopback IPv4 address."
    )
    var advertise: String?

    @Option(
        help: """
            A RocketMQ broker.conf (java.util.Properties: key=value) to read first; unknown keys are reported. \
            Settings changed at run time (mqadmin updateBrokerConfig) are written back to it, or to \
            <data>/config/broker.conf (read at start) when there is no --config.
            """)
    var config: String?

    @Option(help: "Flush mode: async (periodic) or sync (each send waits for the disk, group commit).")
    var flush: FlushArgument?

    enum FlushArgument: String, ExpressibleByArgument, CaseIterable { case async, sync }

    @Option(
        help:
            "Turn on plain ACL with this RocketMQ plain_acl.yml (reloaded when it changes). aclEnable=true in --config uses <rocketmqHome or $ROCKETMQ_HOME>/conf/plain_acl.yml."
    )
    var acl: String?

    @OptionGroup var tls: TLSServerOptions

    /// The broker configuration from `--config` and the flags; `nameServers` replaces any from the file.
    func configuration(defaultData: String, nameServers: [HostAndPort]?, logger: Logger) throws -> BrokerConfiguration {
        var configuration = BrokerConfiguration(dataDirectory: defaultData)
        // Without --config, settings changed at run time (UPDATE_BROKER_CONFIG) live in the data folder.
        let saved = (data ?? defaultData) + "/config/broker.conf"
        if let file = config ?? (FileManager.default.fileExists(atPath: saved) ? saved : nil) {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("cannot read --config file \(file)")
            }
            let config = file
            do {
                for warning in try configuration.apply(properties: text) { logger.warning("\(warning)") }
            } catch {
                throw ValidationError("\(config): \(error.message)")
            }
        }
        if let listen { configuration.listen = listen }
        if let data { configuration.dataDirectory = data }
        if let name { configuration.brokerName = name }
        if let cluster { configuration.clusterName = cluster }
        if let id { configuration.brokerId = id }
        if let advertise { configuration.advertisedHost = advertise }
        if let flush { configuration.store.flushMode = flush == .sync ? .sync : .async }
        if let nameServers { configuration.nameServers = nameServers }
        if let acl { configuration.acl.file = acl }
        configuration.tls = try tls.apply(to: configuration.tls)
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.message)
        }
        return configuration
    }
}

/// `~/.comet/<name>`, the default data folders.
func defaultDataFolder(_ name: String) -> String {
    let home = ProcessInfo.processInfo.environment["HOME"] ?? FileManager.default.currentDirectoryPath
    return home + "/.comet/" + name
}
