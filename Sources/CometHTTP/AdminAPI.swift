import CometAdmin
import CometClient
import CometCore
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// The JSON admin API under `/api` (described by `/api/openapi.yaml`): each route is one call
/// into `CometAdmin`, which talks to the name servers and brokers over remoting exactly as
/// `comet admin` does.
struct AdminAPI: Sendable {
    /// Request bodies.
    struct TopicRequest: Codable {
        var topic: String
        var readQueues: Int32?
        var writeQueues: Int32?
        var order: Bool?
        var cluster: String?
    }

    struct GroupRequest: Codable {
        var group: String
        var consumeEnable: Bool?
        var consumeBroadcastEnable: Bool?
        var consumeMessageOrderly: Bool?
        var retryMaxTimes: Int32?
        var retryQueueNums: Int32?
    }

    struct ConfigRequest: Codable {
        var key: String
        var value: String
    }

    struct ResetRequest: Codable {
        var topic: String
        /// ms since the epoch; -1 = the end of each queue.
        var timestamp: Int64
    }

    struct SendRequest: Codable {
        var body: String
        var tags: String?
        var keys: [String]?
    }

    struct ResendRequest: Codable {
        var group: String
        var clientId: String?
    }

    /// Response bodies.
    struct Overview: Codable {
        var brokers: [BrokerSummary]
        var topics: Int
        var groups: Int
    }

    struct Brokers: Codable { var brokers: [String] }

    struct Count: Codable { var count: Int }

    struct Sent: Codable {
        var messageId: String
        var offsetMessageId: String
        var brokerName: String
        var queueId: Int32
        var queueOffset: Int64
    }

    struct ConfigEntry: Codable {
        var key: String
        var value: String
    }

    struct Failure: Codable { var error: String }

    let admins: AdminPool

    func addRoutes(to router: Router<BasicRequestContext>) {
        let api = router.group("api").add(middleware: JSONErrors())
        api.get("overview") { request, _ in
            try await run(request) { admin in
                let brokers = try await admin.clusterSummary()
                let topics = try await admin.topics()
                let groups = try await admin.subscriptionGroups()
                return Overview(brokers: brokers, topics: topics.count, groups: groups.count)
            }
        }
        api.get("cluster") { request, _ in try await run(request) { try await $0.clusterSummary() } }
        api.get("brokers/:address/runtime") { request, context in
            let address = try Self.parameter("address", context)
            return try await run(request) { try await $0.runtimeInfo(broker: address) }
        }
        api.get("brokers/:address/config") { request, context in
            let address = try Self.parameter("address", context)
            return try await run(request) { admin in
                try await admin.brokerConfig(broker: address).map { ConfigEntry(key: $0.key, value: $0.value) }
            }
        }
        api.put("brokers/:address/config") { request, context in
            let address = try Self.parameter("address", context)
            let body = try await decode(ConfigRequest.self, request, context)
            return try await run(request) { admin in
                Brokers(brokers: try await admin.updateBrokerConfig(key: body.key, value: body.value, broker: address))
            }
        }
        addTopicRoutes(api)
        addGroupRoutes(api)
        addMessageRoutes(api)
    }

    private func addTopicRoutes(_ api: RouterGroup<BasicRequestContext>) {
        api.get("topics") { request, _ in try await run(request) { try await $0.topics() } }
        api.post("topics") { request, context in
            let body = try await decode(TopicRequest.self, request, context)
            guard !body.topic.isEmpty else { throw HTTPError(.badRequest, message: "topic is empty") }
            return try await run(request, status: .created) { admin in
                Brokers(
                    brokers: try await admin.createTopic(
                        body.topic, readQueues: body.readQueues ?? 8, writeQueues: body.writeQueues ?? 8,
                        cluster: body.cluster, order: body.order ?? false))
            }
        }
        api.delete("topics/:topic") { request, context in
            let topic = try Self.parameter("topic", context)
            return try await run(request) { admin in
                try await admin.deleteTopic(topic)
                return Count(count: 1)
            }
        }
        api.get("topics/:topic/status") { request, context in
            let topic = try Self.parameter("topic", context)
            return try await run(request) { try await $0.topicStatus(topic) }
        }
        api.get("topics/:topic/route") { request, context in
            let topic = try Self.parameter("topic", context)
            return try await run(request) { try await $0.route(topic) }
        }
        api.get("topics/:topic/groups") { request, context in
            let topic = try Self.parameter("topic", context)
            return try await run(request) { try await $0.consumingGroups(of: topic) }
        }
        api.post("topics/:topic/messages") { request, context in
            let topic = try Self.parameter("topic", context)
            let body = try await decode(SendRequest.self, request, context)
            return try await run(request, status: .created) { _ in
                let producer = try await admins.producer(for: request)
                let result = try await producer.send(
                    Message(topic: topic, text: body.body, tags: body.tags, keys: body.keys ?? []))
                return Sent(
                    messageId: result.messageId, offsetMessageId: result.offsetMessageId,
                    brokerName: result.queue.brokerName, queueId: result.queue.queueId,
                    queueOffset: result.queueOffset)
            }
        }
    }

    private func addGroupRoutes(_ api: RouterGroup<BasicRequestContext>) {
        api.get("groups") { request, _ in try await run(request) { try await $0.subscriptionGroups() } }
        api.post("groups") { request, context in
            let body = try await decode(GroupRequest.self, request, context)
            guard !body.group.isEmpty else { throw HTTPError(.badRequest, message: "group is empty") }
            return try await run(request, status: .created) { admin in
                Brokers(
                    brokers: try await admin.saveSubscriptionGroup(
                        body.group, consumeEnable: body.consumeEnable,
                        consumeBroadcastEnable: body.consumeBroadcastEnable,
                        consumeMessageOrderly: body.consumeMessageOrderly, retryMaxTimes: body.retryMaxTimes,
                        retryQueueNums: body.retryQueueNums))
            }
        }
        api.delete("groups/:group") { request, context in
            let group = try Self.parameter("group", context)
            let removeOffsets = request.uri.queryParameters.get("removeOffsets") == "true"
            return try await run(request) {
                Brokers(brokers: try await $0.deleteSubscriptionGroup(group, removeOffsets: removeOffsets))
            }
        }
        api.get("groups/:group/progress") { request, context in
            let group = try Self.parameter("group", context)
            let topic = request.uri.queryParameters.get("topic")
            return try await run(request) { try await $0.consumerProgress(group: group, topic: topic) }
        }
        api.get("groups/:group/connections") { request, context in
            let group = try Self.parameter("group", context)
            return try await run(request) { try await $0.consumerMembers(group) }
        }
        api.post("groups/:group/reset-offset") { request, context in
            let group = try Self.parameter("group", context)
            let body = try await decode(ResetRequest.self, request, context)
            return try await run(request) {
                Count(count: try await $0.resetOffsets(group: group, topic: body.topic, timestamp: body.timestamp))
            }
        }
        api.get("producers/:group") { request, context in
            let group = try Self.parameter("group", context)
            return try await run(request) { try await $0.producerConnections(group) }
        }
        api.get("dlq/:group") { request, context in
            let group = try Self.parameter("group", context)
            return try await run(request) { try await $0.deadLetters(of: group) }
        }
        api.post("dlq/:group/resend") { request, context in
            let group = try Self.parameter("group", context)
            return try await run(request) { admin in
                Count(
                    count: try await admin.resendDeadLetters(
                        of: group, configuration: try admins.configuration(for: request)))
            }
        }
    }

    private func addMessageRoutes(_ api: RouterGroup<BasicRequestContext>) {
        api.get("messages") { request, _ in
            let query = request.uri.queryParameters
            return try await run(request) { admin -> [MessageView] in
                if let id = query.get("id") { return [try await admin.message(offsetMessageId: id)] }
                guard let topic = query.get("topic"), !topic.isEmpty else {
                    throw ClientError(.invalidArgument, "give id, or topic with key, uniqueKey or begin/end")
                }
                if let key = query.get("key") {
                    return try await admin.messages(topic: topic, key: key, uniqueKey: false)
                }
                if let key = query.get("uniqueKey") {
                    return try await admin.messages(topic: topic, key: key, uniqueKey: true)
                }
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                let begin = query.get("begin", as: Int64.self) ?? now - 3_600_000
                let end = query.get("end", as: Int64.self) ?? now
                let limit = min(max(query.get("limit", as: Int.self) ?? 64, 1), 1000)
                return try await admin.messages(topic: topic, begin: begin, end: end, maxCount: limit)
            }
        }
        api.get("messages/:id/trace") { request, context in
            let id = try Self.parameter("id", context)
            return try await run(request) { try await $0.trace(offsetMessageId: id) }
        }
        api.post("messages/:id/resend") { request, context in
            let id = try Self.parameter("id", context)
            let body = try await decode(ResendRequest.self, request, context)
            return try await run(request) {
                try await $0.consumeDirectly(group: body.group, clientId: body.clientId, offsetMessageId: id)
            }
        }
    }

    /// Authenticates, runs `body` with the caller's admin client and answers its value as JSON; a
    /// `ClientError` becomes a JSON `{"error": ...}` with a fitting status.
    private func run<Value: Encodable>(
        _ request: Request, status: HTTPResponse.Status = .ok,
        _ body: (Admin) async throws -> Value
    ) async throws -> Response {
        let admin = try admins.admin(for: request)
        do {
            return try Self.json(try await body(admin), status: status)
        } catch let error as ClientError {
            let status: HTTPResponse.Status =
                switch error.code {
                case .invalidArgument, .illegalMessage: .badRequest
                case .noRoute: .notFound
                case .timeout, .connectionFailed, .notRunning, .brokerBusy: .serviceUnavailable
                default: .badGateway
                }
            return try Self.json(Failure(error: error.message), status: status)
        }
    }

    private func decode<T: Decodable>(
        _ type: T.Type, _ request: Request, _ context: BasicRequestContext
    ) async throws -> T {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw HTTPError(.badRequest, message: "invalid JSON body for \(T.self): \(error)")
        }
    }

    /// A path parameter, percent-decoded (the dashboard encodes `HOST:PORT` and `%DLQ%` names).
    static func parameter(_ name: String, _ context: BasicRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Answers errors under `/api` as `{"error": "..."}` (the OpenAPI document's `Error`), keeping the
/// status and headers (`WWW-Authenticate`) of Hummingbird's `HTTPError`.
struct JSONErrors: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            var response = try AdminAPI.json(
                AdminAPI.Failure(error: error.body ?? error.status.reasonPhrase), status: error.status)
            response.headers.append(contentsOf: error.headers)
            return response
        }
    }
}
