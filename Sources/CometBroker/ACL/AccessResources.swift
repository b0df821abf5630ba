import CometCore
import CometProtocol

/// The resources (topics, `%RETRY%<group>`) and permissions a request needs, by request code, as
/// `PlainAccessValidator.parse` in 4.9.8 derives them.
///
/// SEND_MESSAGE to a retry topic looks for a `group` field the header does not have, so it checks
/// nothing, as upstream; codes not listed need only a valid signature (plus admin for admin codes).
struct AccessResources {
    /// In insertion order; a repeated resource keeps its first place and takes the last permission.
    private(set) var entries: [(String, UInt8)] = []

    /// No resources.
    init() {}

    init(_ request: RemotingCommand) throws(ACLError) {
        let fields = request.extFields
        func group(_ key: String) -> String? { fields[key].map { RetryTopic.prefix + $0 } }
        switch request.code {
        case RequestCode.sendMessage.rawValue:
            if let topic = fields["topic"], topic.hasPrefix(RetryTopic.prefix) {
                add(group("group"), ACLPermission.sub)
            } else {
                add(fields["topic"], ACLPermission.pub)
            }
        case RequestCode.sendMessageV2.rawValue:
            if let topic = fields["b"], topic.hasPrefix(RetryTopic.prefix) {
                add(group("a"), ACLPermission.sub)
            } else {
                add(fields["b"], ACLPermission.pub)
            }
        case RequestCode.consumerSendMsgBack.rawValue:
            add(group("group"), ACLPermission.sub)
        case RequestCode.pullMessage.rawValue:
            add(fields["topic"], ACLPermission.sub)
            add(group("consumerGroup"), ACLPermission.sub)
        case RequestCode.queryMessage.rawValue:
            add(fields["topic"], ACLPermission.sub)
        case RequestCode.heartBeat.rawValue:
            let heartbeat: HeartbeatData
            do {
                heartbeat = try HeartbeatData(body: request.body)
            } catch {
                throw ACLError.parse(error.message)
            }
            for consumer in heartbeat.consumers {
                add(RetryTopic.prefix + consumer.groupName, ACLPermission.sub)
                for subscription in consumer.subscriptions { add(subscription.topic, ACLPermission.sub) }
            }
        case RequestCode.unregisterClient.rawValue, RequestCode.getConsumerListByGroup.rawValue:
            add(group("consumerGroup"), ACLPermission.sub)
        case RequestCode.updateConsumerOffset.rawValue:
            add(group("consumerGroup"), ACLPermission.sub)
            add(fields["topic"], ACLPermission.sub)
        default:
            break
        }
    }

    var isEmpty: Bool { entries.isEmpty }

    func permission(of resource: String) -> UInt8? { entries.first { $0.0 == resource }?.1 }

    private mutating func add(_ resource: String?, _ permission: UInt8) {
        guard let resource else { return }
        if let index = entries.firstIndex(where: { $0.0 == resource }) {
            entries[index].1 = permission
        } else {
            entries.append((resource, permission))
        }
    }

    /// The order a `java.util.HashMap` of these keys iterates in, so that when several resources are
    /// denied the message names the same one upstream does.
    var inJavaHashMapOrder: [(String, UInt8)] {
        var capacity = 16
        while entries.count > capacity * 3 / 4 { capacity *= 2 }
        func bucket(_ key: String) -> Int {
            var h: Int32 = 0
            for unit in key.utf16 { h = h &* 31 &+ Int32(unit) }
            let spread = UInt32(bitPattern: h) ^ (UInt32(bitPattern: h) >> 16)
            return Int(spread & UInt32(capacity - 1))
        }
        return entries.enumerated().sorted {
            let (a, b) = (bucket($0.element.0), bucket($1.element.0))
            return a != b ? a < b : $0.offset < $1.offset
        }.map(\.element)
    }
}
