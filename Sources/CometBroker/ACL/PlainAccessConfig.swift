import Foundation
import Yams

/// One account of `plain_acl.yml`, as written in the file.
package struct PlainAccessAccount: Sendable, Equatable {
    package var accessKey: String
    package var secretKey: String
    package var whiteRemoteAddress: String?
    package var admin: Bool
    package var defaultTopicPerm: String?
    package var defaultGroupPerm: String?
    /// `topic=PERM` entries.
    package var topicPerms: [String]
    /// `group=PERM` entries.
    package var groupPerms: [String]

    package init(
        accessKey: String, secretKey: String, whiteRemoteAddress: String? = nil, admin: Bool = false,
        defaultTopicPerm: String? = nil, defaultGroupPerm: String? = nil, topicPerms: [String] = [],
        groupPerms: [String] = []
    ) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.whiteRemoteAddress = whiteRemoteAddress
        self.admin = admin
        self.defaultTopicPerm = defaultTopicPerm
        self.defaultGroupPerm = defaultGroupPerm
        self.topicPerms = topicPerms
        self.groupPerms = groupPerms
    }
}

/// The contents of a RocketMQ `plain_acl.yml`: global white list, accounts, and the data version the
/// ACL admin commands bump.
///
/// Scalars are read as their raw text (a secret of `12345678` stays a string, as upstream's
/// snakeyaml-to-JSON conversion gives it); unknown keys are ignored.
package struct PlainAccessConfig: Sendable, Equatable {
    package var globalWhiteRemoteAddresses: [String]
    package var accounts: [PlainAccessAccount]
    /// `dataVersion[0]`: `counter` and `timestamp` (ms).
    package var dataVersion: (counter: Int64, timestamp: Int64)?

    package init(
        globalWhiteRemoteAddresses: [String] = [], accounts: [PlainAccessAccount] = [],
        dataVersion: (counter: Int64, timestamp: Int64)? = nil
    ) {
        self.globalWhiteRemoteAddresses = globalWhiteRemoteAddresses
        self.accounts = accounts
        self.dataVersion = dataVersion
    }

    package static func == (lhs: PlainAccessConfig, rhs: PlainAccessConfig) -> Bool {
        lhs.globalWhiteRemoteAddresses == rhs.globalWhiteRemoteAddresses && lhs.accounts == rhs.accounts
            && lhs.dataVersion?.counter == rhs.dataVersion?.counter
            && lhs.dataVersion?.timestamp == rhs.dataVersion?.timestamp
    }

    /// Parses YAML text; an empty document is an empty configuration.
    package init(yaml text: String) throws(ACLError) {
        self.init()
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ACLError.load("cannot parse the ACL file: \(error)")
        }
        guard let root else { return }
        guard let mapping = root.mapping else { throw ACLError.load("the ACL file is not a YAML mapping") }
        globalWhiteRemoteAddresses = Self.strings(mapping["globalWhiteRemoteAddresses"])
        for node in mapping["accounts"]?.sequence ?? [] {
            guard let account = node.mapping else { throw ACLError.load("an entry of 'accounts' is not a mapping") }
            func text(_ key: String) -> String? { account[key]?.scalar?.string }
            let admin = text("admin").map { ["true", "yes", "on"].contains($0.lowercased()) } ?? false
            accounts.append(
                PlainAccessAccount(
                    accessKey: text("accessKey") ?? "", secretKey: text("secretKey") ?? "",
                    whiteRemoteAddress: text("whiteRemoteAddress"), admin: admin,
                    defaultTopicPerm: text("defaultTopicPerm"), defaultGroupPerm: text("defaultGroupPerm"),
                    topicPerms: Self.strings(account["topicPerms"]), groupPerms: Self.strings(account["groupPerms"])))
        }
        if let first = mapping["dataVersion"]?.sequence?.first?.mapping {
            let counter = first["counter"]?.scalar.flatMap { Int64($0.string) } ?? 0
            let timestamp = first["timestamp"]?.scalar.flatMap { Int64($0.string) } ?? 0
            dataVersion = (counter, timestamp)
        }
    }

    /// Reads `path`; a missing file is an error (the broker refuses to start open by mistake).
    package init(contentsOf path: String) throws(ACLError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ACLError.load("cannot read the ACL file \(path)")
        }
        try self.init(yaml: String(decoding: data, as: UTF8.self))
    }

    private static func strings(_ node: Node?) -> [String] {
        if let sequence = node?.sequence { return sequence.compactMap { $0.scalar?.string } }
        if let scalar = node?.scalar?.string, !scalar.isEmpty { return [scalar] }
        return []
    }

    /// The file text in `plain_acl.yml` layout (what the ACL admin commands write).
    package var yaml: String {
        func scalar(_ text: String) -> Node { Node(text, .implicit, .doubleQuoted) }
        func key(_ text: String) -> Node { Node(text, .implicit, .plain) }
        func list(_ items: [String]) -> Node { Node(items.map(scalar)) }
        var root: [(Node, Node)] = [(key("globalWhiteRemoteAddresses"), list(globalWhiteRemoteAddresses))]
        var accountNodes: [Node] = []
        for account in accounts {
            var pairs: [(Node, Node)] = [
                (key("accessKey"), scalar(account.accessKey)), (key("secretKey"), scalar(account.secretKey)),
            ]
            if let white = account.whiteRemoteAddress { pairs.append((key("whiteRemoteAddress"), scalar(white))) }
            pairs.append((key("admin"), Node(account.admin ? "true" : "false", .implicit, .plain)))
            if let perm = account.defaultTopicPerm { pairs.append((key("defaultTopicPerm"), scalar(perm))) }
            if let perm = account.defaultGroupPerm { pairs.append((key("defaultGroupPerm"), scalar(perm))) }
            if !account.topicPerms.isEmpty { pairs.append((key("topicPerms"), list(account.topicPerms))) }
            if !account.groupPerms.isEmpty { pairs.append((key("groupPerms"), list(account.groupPerms))) }
            accountNodes.append(Node(pairs))
        }
        root.append((key("accounts"), Node(accountNodes)))
        if let dataVersion {
            let version: [(Node, Node)] = [
                (key("counter"), Node(String(dataVersion.counter), .implicit, .plain)),
                (key("timestamp"), Node(String(dataVersion.timestamp), .implicit, .plain)),
            ]
            root.append((key("dataVersion"), Node([Node(version)])))
        }
        return (try? Yams.serialize(node: Node(root))) ?? ""
    }

    /// Writes the file atomically (temp file + rename), so a reader never sees half of it.
    package func write(to path: String) throws(ACLError) {
        do {
            try Data(yaml.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ACLError.load("cannot write the ACL file \(path): \(error)")
        }
    }
}
