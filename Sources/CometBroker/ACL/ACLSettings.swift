package import CometCore
import Foundation

/// How the broker finds its `plain_acl.yml`.
///
/// `--acl FILE` names the file and turns ACL on. `aclEnable=true` in broker.conf uses RocketMQ's
/// location, `<home>/conf/plain_acl.yml`, where home is `rocketmqHome` from broker.conf or the
/// `ROCKETMQ_HOME` environment variable.
package struct ACLSettings: Sendable, Equatable {
    /// `aclEnable` (default false).
    package var enabled = false
    /// An explicit file (`--acl`); implies enabled.
    package var file: String?
    /// `rocketmqHome` from broker.conf.
    package var rocketmqHome: String?
    /// How often the file is checked for changes (upstream: 5 s).
    package var reloadInterval: Duration = .seconds(5)

    package init() {}

    /// The file to load, or nil when ACL is off; throws when ACL is on but no file can be named.
    package func resolvedFile(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CometError)
        -> String?
    {
        if let file { return file }
        guard enabled else { return nil }
        guard let home = rocketmqHome ?? environment["ROCKETMQ_HOME"], !home.isEmpty else {
            throw CometError(
                .invalidConfiguration,
                "aclEnable=true needs the ACL file: pass --acl FILE, or set rocketmqHome (broker.conf) or ROCKETMQ_HOME "
                    + "so that <home>/conf/plain_acl.yml is used")
        }
        return home + "/conf/plain_acl.yml"
    }
}
