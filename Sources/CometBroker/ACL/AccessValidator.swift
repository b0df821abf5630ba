import CometCore
package import CometProtocol
import Foundation
package import Logging
import Synchronization

/// The broker's plain ACL: the rules loaded from one `plain_acl.yml`, reloaded when the file changes
/// and rewritten by the ACL admin requests (codes 50–53).
///
/// Checks read an immutable ``AccessRules`` snapshot under a lock, so a reload never blocks a request
/// for longer than a pointer copy. A file that no longer parses on reload is logged and the previous
/// rules stay in force (a broker never falls open because of a typo).
package final class AccessValidator: Sendable {
    /// The `plain_acl.yml` path.
    package let path: String
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var rules: AccessRules
        var config: PlainAccessConfig
        /// The file's bytes when last read; any change triggers a reload (the file is small, and
        /// comparing bytes catches edits that keep the size within one mtime tick).
        var stamp: Data?
    }

    /// Loads `path`; throws when it cannot be read or is invalid.
    package init(path: String, logger: Logger) throws(ACLError) {
        self.path = path
        self.logger = logger
        let stamp = Self.stamp(path)
        let config = try PlainAccessConfig(contentsOf: path)
        state = Mutex(State(rules: try AccessRules(config), config: config, stamp: stamp))
    }

    /// Allows `request` from `remoteAddress` (`ip:port` or `[ipv6]:port`) or throws the denial.
    package func check(_ request: RemotingCommand, remoteAddress: String) throws(ACLError) {
        let rules = state.withLock { $0.rules }
        try rules.check(request, peer: Self.peerIP(remoteAddress))
    }

    /// Allows a RocketMQ 5.x (gRPC) request from `peer` (an IP address) needing `resources`, or throws
    /// the denial (see ``AccessRules/check(v5:resources:peer:)``).
    package func check(v5 credentials: V5Credentials, resources: [(String, UInt8)], peer: String) throws(ACLError) {
        let rules = state.withLock { $0.rules }
        try rules.check(v5: credentials, resources: resources, peer: peer)
    }

    /// Reloads the file when its contents changed since the last read.
    /// Returns whether new rules took effect.
    @discardableResult
    package func reloadIfChanged() -> Bool {
        let stamp = Self.stamp(path)
        guard stamp != state.withLock({ $0.stamp }) else { return false }
        do {
            let config = try PlainAccessConfig(contentsOf: path)
            let rules = try AccessRules(config)
            state.withLock { $0 = State(rules: rules, config: config, stamp: stamp) }
            logger.info(
                "reloaded ACL file", metadata: ["acl.file": "\(path)", "acl.accounts": "\(config.accounts.count)"])
            return true
        } catch {
            state.withLock { $0.stamp = stamp }
            logger.error("ACL file \(path) is invalid, keeping the previous rules: \(error.message)")
            return false
        }
    }

    /// Polls the file every `interval` until cancelled (upstream's AclFileWatchService polls every 5 s).
    package func watch(every interval: Duration = .seconds(5)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            reloadIfChanged()
        }
    }

    /// The configuration as last loaded or written.
    package var config: PlainAccessConfig { state.withLock { $0.config } }

    // MARK: Admin updates (written to the file, then applied)

    /// UPDATE_AND_CREATE_ACL_CONFIG: adds the account or merges the given fields into it.
    package func createOrUpdate(
        _ update: PlainAccessAccount, topicPermsGiven: Bool, groupPermsGiven: Bool
    ) throws(ACLError) {
        _ = try modify { config throws(ACLError) in
            guard update.accessKey.count > 6, update.secretKey.count > 6 else {
                throw ACLError.load(
                    "The accessKey=\(update.accessKey) and secretKey=\(update.secretKey) cannot be null and length should longer than 6"
                )
            }
            for entry in update.topicPerms + update.groupPerms { try Self.checkResourcePerm(entry) }
            if let index = config.accounts.firstIndex(where: { $0.accessKey == update.accessKey }) {
                var account = config.accounts.remove(at: index)
                account.secretKey = update.secretKey
                if let white = update.whiteRemoteAddress { account.whiteRemoteAddress = white }
                account.admin = update.admin
                if let perm = update.defaultTopicPerm, !perm.isEmpty { account.defaultTopicPerm = perm }
                if let perm = update.defaultGroupPerm, !perm.isEmpty { account.defaultGroupPerm = perm }
                if topicPermsGiven { account.topicPerms = update.topicPerms }
                if groupPermsGiven { account.groupPerms = update.groupPerms }
                config.accounts.append(account)
            } else {
                config.accounts.append(update)
            }
            return true
        }
    }

    /// DELETE_ACL_CONFIG: false when there is no such account.
    package func delete(accessKey: String) throws(ACLError) -> Bool {
        guard !accessKey.isEmpty else { return false }
        return try modify { config in
            guard let index = config.accounts.firstIndex(where: { $0.accessKey == accessKey }) else { return false }
            config.accounts.remove(at: index)
            return true
        }
    }

    /// UPDATE_GLOBAL_WHITE_ADDRS_CONFIG.
    package func updateGlobalWhiteAddresses(_ addresses: [String]) throws(ACLError) {
        _ = try modify { config throws(ACLError) in
            for address in addresses { _ = try RemoteAddressPattern(address) }
            config.globalWhiteRemoteAddresses = addresses
            return true
        }
    }

    /// Applies `change` to the file's current contents, bumps the data version, writes the file and
    /// swaps the rules in. Nothing changes when `change` returns false or anything fails.
    private func modify(_ change: (inout PlainAccessConfig) throws(ACLError) -> Bool) throws(ACLError) -> Bool {
        try state.withLock { state throws(ACLError) -> Bool in
            var config = (try? PlainAccessConfig(contentsOf: path)) ?? state.config
            guard try change(&config) else { return false }
            config.dataVersion = (counter: (config.dataVersion?.counter ?? 0) + 1, timestamp: Self.nowMillis())
            let rules = try AccessRules(config)
            try config.write(to: path)
            state = State(rules: rules, config: config, stamp: Self.stamp(path))
            return true
        }
    }

    private static func checkResourcePerm(_ entry: String) throws(ACLError) {
        let items = entry.split(separator: "=", omittingEmptySubsequences: true)
        guard items.count == 2 else {
            throw ACLError.load(
                "Parse Resource format error for \(entry).\nThe expected resource format is 'Res=Perm'. For example: topicA=SUB"
            )
        }
        let perm = items[1].trimmed
        if perm != "DENY" && ACLPermission.parse(perm) == ACLPermission.deny {
            throw ACLError.load(
                "Parse resource permission error for \(entry).\nThe expected permissions are 'SUB' or 'PUB' or 'SUB|PUB' or 'PUB|SUB'."
            )
        }
    }

    /// `DataVersion` JSON of the file (`{"counter":N,"timestamp":T}`), as GET_BROKER_CLUSTER_ACL_INFO answers.
    package var dataVersionJSON: String {
        let version = state.withLock { $0.config.dataVersion }
        return "{\"counter\":\(version?.counter ?? 0),\"timestamp\":\(version?.timestamp ?? 0)}"
    }

    private static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    private static func stamp(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// `127.0.0.1:5555` → `127.0.0.1`; `[::1]:5555` → `::1` (upstream strips after the last ':').
    package static func peerIP(_ remoteAddress: String) -> String {
        var host = Substring(remoteAddress)
        if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        return String(host)
    }
}
