import CometBroker
import CometCore
import CometGRPCStubs
import GRPCCore
import Logging
import Synchronization

/// `apache.rocketmq.v2.MessagingService`, served from the broker process: what a RocketMQ 5.x
/// proxy does, in front of this one broker, through ``MessagingFacade``.
///
/// Every RPC answers with a v5 `Status` (never a transport error) for bad input, as the clients
/// expect; only a broken stream ends a call with a gRPC error.
final class MessagingService: V2.SimpleServiceProtocol {
    let facade: MessagingFacade
    let configuration: GRPCEndpointConfiguration
    let clients = ClientRegistry()
    let logger: Logger
    private let advertised = Mutex<(host: String, port: Int)?>(nil)
    private let roundRobin = Atomic<Int>(0)

    init(facade: MessagingFacade, configuration: GRPCEndpointConfiguration, logger: Logger) {
        self.facade = facade
        self.configuration = configuration
        self.logger = logger
    }

    /// Sets the address put into routes and assignments, once the server has bound.
    func setAdvertisedAddress(host: String, port: Int) {
        advertised.withLock { $0 = (host, port) }
    }

    /// This endpoint as clients should reach it.
    var endpoints: Apache_Rocketmq_V2_Endpoints {
        var endpoints = Apache_Rocketmq_V2_Endpoints()
        let address: (host: String, port: Int) =
            advertised.withLock { $0 } ?? (configuration.listen.host, configuration.listen.port)
        let dotted =
            address.host.split(separator: ".").count == 4 && address.host.allSatisfy { $0 == "." || $0.isNumber }
        endpoints.scheme = address.host.contains(":") ? .ipv6 : dotted ? .ipv4 : .domainName
        var entry = Apache_Rocketmq_V2_Address()
        entry.host = address.host
        entry.port = Int32(address.port)
        endpoints.addresses = [entry]
        return endpoints
    }

    /// A number for round-robin choices.
    func nextRoundRobin() -> Int { roundRobin.add(1, ordering: .relaxed).newValue }

    // MARK: Route, heartbeat, assignment, termination

    func queryRoute(
        request: Apache_Rocketmq_V2_QueryRouteRequest, context: ServerContext
    ) async throws
        -> Apache_Rocketmq_V2_QueryRouteResponse
    {
        var response = Apache_Rocketmq_V2_QueryRouteResponse()
        let name = request.topic.name
        guard MessagingFacade.isValidName(name) else {
            response.status = .code(.illegalTopic, "the topic name \"\(name)\" is illegal")
            return response
        }
        let topic: MessagingFacade.TopicInfo
        if let existing = facade.topic(name) {
            topic = existing
        } else {
            do {
                topic = try facade.topicCreatingIfAllowed(name)
            } catch {
                response.status = Apache_Rocketmq_V2_Status(error)
                return response
            }
        }
        response.status = .ok
        response.messageQueues = queues(of: topic)
        return response
    }

    /// One queue per queue id, with the permission of each (upstream's proxy numbers read-only,
    /// write-only and read-write queues the same way).
    func queues(of topic: MessagingFacade.TopicInfo) -> [Apache_Rocketmq_V2_MessageQueue] {
        let count = max(topic.readQueueNums, topic.writeQueueNums)
        var broker = Apache_Rocketmq_V2_Broker()
        broker.name = facade.brokerName
        broker.id = 0
        broker.endpoints = endpoints
        return (0..<count).map { id in
            var queue = Apache_Rocketmq_V2_MessageQueue()
            queue.topic.name = topic.name
            queue.id = id
            let readable = id < topic.readQueueNums && topic.permission.contains(.read)
            let writable = id < topic.writeQueueNums && topic.permission.contains(.write)
            queue.permission = readable && writable ? .readWrite : readable ? .read : writable ? .write : .none
            queue.broker = broker
            queue.acceptMessageTypes = [.normal, .fifo, .delay, .transaction]
            return queue
        }
    }

    func heartbeat(
        request: Apache_Rocketmq_V2_HeartbeatRequest, context: ServerContext
    ) async throws
        -> Apache_Rocketmq_V2_HeartbeatResponse
    {
        var response = Apache_Rocketmq_V2_HeartbeatResponse()
        if request.hasGroup {
            do {
                _ = try facade.groupPolicy(request.group.name)
            } catch {
                response.status = Apache_Rocketmq_V2_Status(error)
                return response
            }
        }
        response.status = .ok
        return response
    }

    func queryAssignment(
        request: Apache_Rocketmq_V2_QueryAssignmentRequest, context: ServerContext
    ) async throws
        -> Apache_Rocketmq_V2_QueryAssignmentResponse
    {
        var response = Apache_Rocketmq_V2_QueryAssignmentResponse()
        let policy: MessagingFacade.GroupPolicy
        do {
            policy = try facade.groupPolicy(request.group.name)
        } catch {
            response.status = Apache_Rocketmq_V2_Status(error)
            return response
        }
        guard let topic = facade.topic(request.topic.name) else {
            response.status = .code(.topicNotFound, "topic \(request.topic.name) does not exist")
            return response
        }
        // Like the Java proxy: one broker-wide POP queue (id -1), or every queue for FIFO groups.
        let readable = queues(of: topic).filter { $0.permission == .read || $0.permission == .readWrite }
        if policy.fifo {
            response.assignments = readable.map { queue in
                var assignment = Apache_Rocketmq_V2_Assignment()
                assignment.messageQueue = queue
                return assignment
            }
        } else if var queue = readable.first {
            queue.id = -1
            var assignment = Apache_Rocketmq_V2_Assignment()
            assignment.messageQueue = queue
            response.assignments = [assignment]
        }
        response.status = .ok
        return response
    }

    func notifyClientTermination(
        request: Apache_Rocketmq_V2_NotifyClientTerminationRequest, context: ServerContext
    ) async throws -> Apache_Rocketmq_V2_NotifyClientTerminationResponse {
        var response = Apache_Rocketmq_V2_NotifyClientTerminationResponse()
        response.status = .ok
        return response
    }
}
