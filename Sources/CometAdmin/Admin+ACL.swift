package import CometClient
import CometCore
import CometProtocol

extension Admin {
    /// An account to create or update with ``updateACLAccount(_:brokers:)``; fields left nil keep
    /// their current value on an existing account (RocketMQ's merge rule).
    package struct ACLAccountUpdate: Sendable {
        package var accessKey: String
        package var secretKey: String
        package var whiteRemoteAddress: String?
        package var admin: Bool
        package var defaultTopicPerm: String?
        package var defaultGroupPerm: String?
        /// `topic=PERM` entries; nil keeps the current list.
        package var topicPerms: [String]?
        /// `group=PERM` entries; nil keeps the current list.
        package var groupPerms: [String]?

        package init(
            accessKey: String, secretKey: String, whiteRemoteAddress: String? = nil, admin: Bool = false,
            defaultTopicPerm: String? = nil, defaultGroupPerm: String? = nil, topicPerms: [String]? = nil,
            groupPerms: [String]? = nil
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

    /// One broker's ACL version (GET_BROKER_CLUSTER_ACL_INFO).
    package struct ACLInfo: Codable, Sendable {
        package var brokerName: String
        package var brokerAddress: String
        package var clusterName: String
        /// `{"counter":N,"timestamp":T}` of the ACL file.
        package var version: String
    }

    /// UPDATE_AND_CREATE_ACL_CONFIG on `brokers` (every master when nil); returns the brokers changed.
    package func updateACLAccount(
        _ account: ACLAccountUpdate, brokers: [String]? = nil
    ) async throws(ClientError)
        -> [String]
    {
        var fields: ExtFields = ["accessKey": account.accessKey, "secretKey": account.secretKey]
        fields["whiteRemoteAddress"] = account.whiteRemoteAddress
        fields["admin"] = account.admin ? "true" : "false"
        fields["defaultTopicPerm"] = account.defaultTopicPerm
        fields["defaultGroupPerm"] = account.defaultGroupPerm
        fields["topicPerms"] = account.topicPerms?.joined(separator: ",")
        fields["groupPerms"] = account.groupPerms?.joined(separator: ",")
        return try await aclCall(ACLCode.update, fields, brokers: brokers)
    }

    /// DELETE_ACL_CONFIG on `brokers` (every master when nil).
    package func deleteACLAccount(_ accessKey: String, brokers: [String]? = nil) async throws(ClientError) -> [String] {
        try await aclCall(ACLCode.delete, ["accessKey": accessKey], brokers: brokers)
    }

    /// UPDATE_GLOBAL_WHITE_ADDRS_CONFIG on `brokers` (every master when nil), for the default ACL file.
    package func updateACLGlobalWhiteAddresses(
        _ addresses: [String], brokers: [String]? = nil
    ) async throws(ClientError)
        -> [String]
    {
        try await aclCall(
            ACLCode.globalWhite, ["globalWhiteAddrs": addresses.joined(separator: ","), "aclFileFullPath": ""],
            brokers: brokers)
    }

    /// GET_BROKER_CLUSTER_ACL_INFO from `brokers` (every master when nil).
    package func aclInfo(brokers: [String]? = nil) async throws(ClientError) -> [ACLInfo] {
        var result: [ACLInfo] = []
        for address in try await aclTargets(brokers) {
            let response = try await channel.call(RemotingCommand(code: ACLCode.info), broker: address)
            try check(response)
            let fields = response.extFields
            result.append(
                ACLInfo(
                    brokerName: fields["brokerName"] ?? "", brokerAddress: fields["brokerAddr"] ?? address,
                    clusterName: fields["clusterName"] ?? "", version: fields["version"] ?? ""))
        }
        return result
    }

    private func aclCall(
        _ code: Int32, _ fields: ExtFields, brokers: [String]?
    ) async throws(ClientError)
        -> [String]
    {
        let targets = try await aclTargets(brokers)
        for address in targets {
            try check(try await channel.call(RemotingCommand(code: code, extFields: fields), broker: address))
        }
        return targets
    }

    private func aclTargets(_ brokers: [String]?) async throws(ClientError) -> [String] {
        if let brokers, !brokers.isEmpty { return brokers }
        let masters = try await masterAddresses(cluster: nil)
        guard !masters.isEmpty else { throw ClientError(.noRoute, "no master broker found") }
        return masters
    }

    /// RocketMQ 4.9.8's ACL admin request codes.
    private enum ACLCode {
        static let update: Int32 = 50
        static let delete: Int32 = 51
        static let info: Int32 = 52
        static let globalWhite: Int32 = 53
    }
}
