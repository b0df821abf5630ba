import CometCore
package import CometProtocol
import NIOCore

/// A loaded `plain_acl.yml`, ready to check requests (`PlainPermissionManager.validate` in 4.9.8).
package struct AccessRules: Sendable {
    /// One account with its patterns and permissions parsed.
    struct Account: Sendable {
        var accessKey: String
        var secretKey: String
        var white: RemoteAddressPattern
        var admin: Bool
        var defaultTopicPerm: UInt8
        var defaultGroupPerm: UInt8
        /// Topic names and `%RETRY%<group>` names; nil when the file lists none (admins then skip checks).
        var resourcePerms: [String: UInt8]?
    }

    private(set) var globalWhite: [RemoteAddressPattern]
    private(set) var accounts: [String: Account]

    /// Compiles `config`, failing as upstream's loader does on short keys, bad permission entries or
    /// malformed address patterns.
    package init(_ config: PlainAccessConfig) throws(ACLError) {
        globalWhite = []
        for entry in config.globalWhiteRemoteAddresses { globalWhite.append(try RemoteAddressPattern(entry)) }
        accounts = [:]
        for account in config.accounts {
            accounts[account.accessKey] = try Self.compile(account)
        }
    }

    static func compile(_ account: PlainAccessAccount) throws(ACLError) -> Account {
        guard account.accessKey.count > 6, account.secretKey.count > 6 else {
            throw ACLError.load(
                "The accessKey=\(account.accessKey) and secretKey=\(account.secretKey) cannot be null and length should longer than 6"
            )
        }
        var perms: [String: UInt8] = [:]
        func add(_ entries: [String], topics: Bool) throws(ACLError) {
            for entry in entries {
                let items = entry.split(separator: "=", omittingEmptySubsequences: true)
                guard items.count == 2 else {
                    throw ACLError.load("Parse resource permission failed for \(topics ? "topic" : "group"):\(entry)")
                }
                let name = items[0].trimmed
                perms[topics ? name : RetryTopic.prefix + name] = ACLPermission.parse(String(items[1]))
            }
        }
        try add(account.groupPerms, topics: false)
        try add(account.topicPerms, topics: true)
        return Account(
            accessKey: account.accessKey, secretKey: account.secretKey,
            white: try RemoteAddressPattern(account.whiteRemoteAddress ?? ""), admin: account.admin,
            defaultTopicPerm: ACLPermission.parse(account.defaultTopicPerm),
            defaultGroupPerm: ACLPermission.parse(account.defaultGroupPerm),
            resourcePerms: account.topicPerms.isEmpty && account.groupPerms.isEmpty ? nil : perms)
    }

    /// Allows or refuses `request` from `peer` (an IP address without port), in upstream's order:
    /// global white list, access key, account white list, signature, trace topic, admin codes,
    /// then each resource the request code needs.
    package func check(_ request: RemotingCommand, peer: String) throws(ACLError) {
        let fields = request.extFields
        // Upstream derives the resources before validating (so a bad heartbeat body fails even from a
        // white-listed address), except for requests without extFields, which it leaves bare.
        let needed = fields.isEmpty ? AccessResources() : try AccessResources(request)
        for pattern in globalWhite where pattern.matches(peer) { return }
        guard let accessKey = fields[RequestSigner.Field.accessKey] else {
            throw ACLError.validate("No accessKey is configured", line: 664)
        }
        guard let account = accounts[accessKey] else {
            throw ACLError.validate("No acl config for \(accessKey)", line: 668)
        }
        if account.white.matches(peer) { return }
        let expected = RequestSigner.signature(
            fields: fields, body: request.body, secretKey: account.secretKey,
            skipping: [RequestSigner.Field.uniqueKeyQuery])
        guard fields[RequestSigner.Field.signature] == expected else {
            throw ACLError.validate("Check signature failed for accessKey=\(accessKey)", line: 684)
        }
        if needed.permission(of: TraceTopic.name) == ACLPermission.pub { return }
        if ACLPermission.adminCodes.contains(request.code) && !account.admin {
            throw ACLError.checkPerm(
                "Need admin permission for request code=\(request.code), but accessKey=\(accessKey) is not", line: 581)
        }
        try Self.checkResources(needed.inJavaHashMapOrder, of: account)
    }

    /// Allows or refuses a RocketMQ 5.x (gRPC) request from `peer` with the same accounts and white
    /// lists. The v5 clients sign only the `x-mq-date-time` header: the signature is the lowercase hex
    /// HMAC-SHA1 of its value under the secret key (what the Java 5.x verifier compares).
    /// `resources` are topics and `%RETRY%<group>` names with the permission each needs.
    package func check(v5 credentials: V5Credentials, resources: [(String, UInt8)], peer: String) throws(ACLError) {
        for pattern in globalWhite where pattern.matches(peer) { return }
        guard let accessKey = credentials.accessKey, !accessKey.isEmpty else {
            throw ACLError.validate("No accessKey is configured", line: 664)
        }
        guard let account = accounts[accessKey] else {
            throw ACLError.validate("No acl config for \(accessKey)", line: 668)
        }
        if account.white.matches(peer) { return }
        guard let signature = credentials.signature, let dateTime = credentials.dateTime,
            signature.lowercased() == V5Credentials.signature(dateTime: dateTime, secretKey: account.secretKey)
        else {
            throw ACLError.validate("Check signature failed for accessKey=\(accessKey)", line: 684)
        }
        if resources.contains(where: { $0.0 == TraceTopic.name && $0.1 == ACLPermission.pub }) { return }
        try Self.checkResources(resources, of: account)
    }

    /// Checks each resource against the account's own permission for it, or its defaults.
    private static func checkResources(_ needed: [(String, UInt8)], of account: Account) throws(ACLError) {
        if needed.isEmpty { return }
        if account.resourcePerms == nil && account.admin { return }
        for (resource, neededPerm) in needed {
            let isGroup = resource.hasPrefix(RetryTopic.prefix)
            let printed = isGroup ? "group:" + resource.dropFirst(RetryTopic.prefix.count) : "topic:" + resource
            if let owned = account.resourcePerms?[resource] {
                guard ACLPermission.check(needed: neededPerm, owned: owned) else {
                    throw ACLError.checkPerm("No default permission for \(printed)", line: 611)
                }
            } else {
                let owned = isGroup ? account.defaultGroupPerm : account.defaultTopicPerm
                guard ACLPermission.check(needed: neededPerm, owned: owned) else {
                    throw ACLError.checkPerm("No default permission for \(printed)", line: 606)
                }
            }
        }
    }
}

/// `%RETRY%`: groups are checked as their retry topic.
enum RetryTopic {
    static let prefix = "%RETRY%"
}

/// `RMQ_SYS_TRACE_TOPIC`: publishing trace data skips the permission check.
enum TraceTopic {
    static let name = "RMQ_SYS_TRACE_TOPIC"
}
