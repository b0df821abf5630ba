package import CometCore
package import CometProtocol
package import CometRemoting

/// Puts the plain ACL in front of another processor, as RocketMQ's ACL RPC hook does: every request
/// is checked first and a denial answers SYSTEM_ERROR with upstream's remark; the ACL admin codes
/// 50–53 are answered here.
package struct AccessControlProcessor<Next: RequestProcessor>: RequestProcessor {
    package let validator: AccessValidator
    package let next: Next
    /// Names reported by GET_BROKER_CLUSTER_ACL_INFO.
    package let identity: @Sendable () -> (brokerName: String, brokerAddress: String, clusterName: String)

    package init(
        validator: AccessValidator, next: Next,
        identity: @escaping @Sendable () -> (brokerName: String, brokerAddress: String, clusterName: String)
    ) {
        self.validator = validator
        self.next = next
        self.identity = identity
    }

    package func process(_ request: RemotingCommand, connection: RemotingConnection) async throws -> RemotingCommand? {
        do {
            try validator.check(request, remoteAddress: connection.remoteAddress)
        } catch {
            return .response(to: request, code: .systemError, remark: error.remark)
        }
        switch request.code {
        case ACLRequestCode.updateAndCreateAclConfig: return updateAccount(request)
        case ACLRequestCode.deleteAclConfig: return deleteAccount(request)
        case ACLRequestCode.getBrokerClusterAclInfo: return aclInfo(request)
        case ACLRequestCode.updateGlobalWhiteAddrsConfig: return updateGlobalWhite(request)
        default: return try await next.process(request, connection: connection)
        }
    }

    /// Checks on the event loop (an HMAC and a few lookups, nothing that waits), so requests the
    /// broker answers there keep that path with ACL on. Denials are answered at once; the ACL admin
    /// codes (file writes) and whatever `next` declines go to ``process(_:connection:)``, which checks again.
    package func processOnEventLoop(
        _ request: RemotingCommand, connection: RemotingConnection, responder: RemotingResponder
    ) -> Bool {
        do {
            try validator.check(request, remoteAddress: connection.remoteAddress)
        } catch {
            responder.respond(.response(to: request, code: .systemError, remark: error.remark))
            return true
        }
        if (ACLRequestCode.updateAndCreateAclConfig...ACLRequestCode.updateGlobalWhiteAddrsConfig).contains(
            request.code)
        {
            return false
        }
        return next.processOnEventLoop(request, connection: connection, responder: responder)
    }

    package func connectionClosed(_ connection: RemotingConnection) { next.connectionClosed(connection) }

    /// The wrapped processor's queue-wait limit, so SYSTEM_BUSY `[TIMEOUT_CLEAN_QUEUE]` applies with ACL on.
    package func queueWaitLimit(for request: RemotingCommand) -> Duration? { next.queueWaitLimit(for: request) }

    private func updateAccount(_ request: RemotingCommand) -> RemotingCommand {
        let fields = request.extFields
        let accessKey = fields["accessKey"] ?? ""
        func list(_ key: String) -> [String] {
            (fields[key] ?? "").split(separator: ",").map { String($0) }.filter { !$0.isEmpty }
        }
        let account = PlainAccessAccount(
            accessKey: accessKey, secretKey: fields["secretKey"] ?? "",
            whiteRemoteAddress: fields["whiteRemoteAddress"],
            admin: ["true", "1"].contains(fields["admin"]?.lowercased() ?? ""),
            defaultTopicPerm: fields["defaultTopicPerm"], defaultGroupPerm: fields["defaultGroupPerm"],
            topicPerms: list("topicPerms"), groupPerms: list("groupPerms"))
        do {
            try validator.createOrUpdate(
                account, topicPermsGiven: fields["topicPerms"] != nil, groupPermsGiven: fields["groupPerms"] != nil)
            return .response(to: request)
        } catch {
            return .response(to: request, code: ACLResponseCode.updateAndCreateAclConfigFailed, remark: error.message)
        }
    }

    private func deleteAccount(_ request: RemotingCommand) -> RemotingCommand {
        let accessKey = request.extFields["accessKey"] ?? ""
        let failed = "The accesskey[\(accessKey)] corresponding to accessConfig has been deleted failed."
        do {
            return try validator.delete(accessKey: accessKey)
                ? .response(to: request)
                : .response(to: request, code: ACLResponseCode.deleteAclConfigFailed, remark: failed)
        } catch {
            return .response(to: request, code: ACLResponseCode.deleteAclConfigFailed, remark: error.message)
        }
    }

    private func updateGlobalWhite(_ request: RemotingCommand) -> RemotingCommand {
        let text = request.extFields["globalWhiteAddrs"]
        guard let text else {
            return .response(
                to: request, code: ACLResponseCode.updateGlobalWhiteAddrsConfigFailed,
                remark: "The globalWhiteAddresses[null] has been updated failed.")
        }
        let path = request.extFields["aclFileFullPath"] ?? ""
        guard path.isEmpty || path == validator.path else {
            return .response(
                to: request, code: ACLResponseCode.updateGlobalWhiteAddrsConfigFailed,
                remark: "The globalWhiteAddresses[\(text)] has been updated failed.")
        }
        do {
            try validator.updateGlobalWhiteAddresses(text.split(separator: ",").map { String($0) })
            return .response(to: request)
        } catch {
            return .response(
                to: request, code: ACLResponseCode.updateGlobalWhiteAddrsConfigFailed, remark: error.message)
        }
    }

    private func aclInfo(_ request: RemotingCommand) -> RemotingCommand {
        let (brokerName, brokerAddress, clusterName) = identity()
        var response = RemotingCommand.response(to: request)
        let version = validator.dataVersionJSON
        response.extFields["version"] = version
        response.extFields["allAclFileVersion"] = "{\(JSONText.quoted(validator.path)):\(version)}"
        response.extFields["brokerName"] = brokerName
        response.extFields["brokerAddr"] = brokerAddress
        response.extFields["clusterName"] = clusterName
        return response
    }
}

/// RocketMQ 4.9.8's ACL admin request codes.
package enum ACLRequestCode {
    package static let updateAndCreateAclConfig: Int32 = 50
    package static let deleteAclConfig: Int32 = 51
    package static let getBrokerClusterAclInfo: Int32 = 52
    package static let updateGlobalWhiteAddrsConfig: Int32 = 53
}

/// RocketMQ 4.9.8's ACL admin failure codes.
package enum ACLResponseCode {
    package static let updateAndCreateAclConfigFailed = ResponseCode(209)
    package static let deleteAclConfigFailed = ResponseCode(210)
    package static let updateGlobalWhiteAddrsConfigFailed = ResponseCode(211)
}

/// JSON string quoting for the few hand-built JSON values here.
enum JSONText {
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 {
                    out +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
