import CometBroker
import CometGRPCStubs

/// The topics and `%RETRY%<group>` names a v5 request touches, with the permission each needs —
/// the plain ACL's resources for the gRPC RPCs (what RocketMQ 5.x's authorization derives per RPC:
/// producing needs PUB on the topic, consuming SUB on the topic and the group, a route query either).
enum V5AccessResources {
    private static let retryPrefix = "%RETRY%"

    /// Resources `message` needs; empty for messages that need only a valid identity.
    static func of(_ message: Any) -> [(String, UInt8)] {
        var resources: [(String, UInt8)] = []
        func topic(_ resource: Apache_Rocketmq_V2_Resource, _ permission: UInt8) {
            guard !resource.name.isEmpty else { return }
            resources.append((resource.name, permission))
        }
        func group(_ resource: Apache_Rocketmq_V2_Resource) {
            guard !resource.name.isEmpty else { return }
            resources.append((retryPrefix + resource.name, ACLPermission.sub))
        }
        switch message {
        case let request as Apache_Rocketmq_V2_SendMessageRequest:
            for message in request.messages { topic(message.topic, ACLPermission.pub) }
        case let request as Apache_Rocketmq_V2_QueryRouteRequest:
            topic(request.topic, ACLPermission.any)
        case let request as Apache_Rocketmq_V2_HeartbeatRequest:
            if request.hasGroup { group(request.group) }
        case let request as Apache_Rocketmq_V2_QueryAssignmentRequest:
            topic(request.topic, ACLPermission.sub)
            group(request.group)
        case let request as Apache_Rocketmq_V2_ReceiveMessageRequest:
            topic(request.messageQueue.topic, ACLPermission.sub)
            group(request.group)
        case let request as Apache_Rocketmq_V2_AckMessageRequest:
            topic(request.topic, ACLPermission.sub)
            group(request.group)
        case let request as Apache_Rocketmq_V2_ChangeInvisibleDurationRequest:
            topic(request.topic, ACLPermission.sub)
            group(request.group)
        case let request as Apache_Rocketmq_V2_ForwardMessageToDeadLetterQueueRequest:
            topic(request.topic, ACLPermission.sub)
            group(request.group)
        case let request as Apache_Rocketmq_V2_EndTransactionRequest:
            topic(request.topic, ACLPermission.pub)
        case let request as Apache_Rocketmq_V2_RecallMessageRequest:
            topic(request.topic, ACLPermission.pub)
        case let request as Apache_Rocketmq_V2_NotifyClientTerminationRequest:
            if request.hasGroup { group(request.group) }
        case let request as Apache_Rocketmq_V2_PullMessageRequest:
            topic(request.messageQueue.topic, ACLPermission.sub)
            group(request.group)
        case let request as Apache_Rocketmq_V2_UpdateOffsetRequest:
            topic(request.messageQueue.topic, ACLPermission.sub)
            group(request.group)
        case let request as Apache_Rocketmq_V2_GetOffsetRequest:
            topic(request.messageQueue.topic, ACLPermission.sub)
            group(request.group)
        case let request as Apache_Rocketmq_V2_QueryOffsetRequest:
            topic(request.messageQueue.topic, ACLPermission.sub)
        case let command as Apache_Rocketmq_V2_TelemetryCommand:
            guard case .settings(let settings) = command.command else { break }
            switch settings.pubSub {
            case .publishing(let publishing):
                for resource in publishing.topics { topic(resource, ACLPermission.pub) }
            case .subscription(let subscription):
                group(subscription.group)
                for entry in subscription.subscriptions { topic(entry.topic, ACLPermission.sub) }
            default:
                break
            }
        default:
            break
        }
        return resources
    }
}
