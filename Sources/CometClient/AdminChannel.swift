import CometCore
package import CometProtocol
package import Logging

/// Raw request access for admin tooling (CometAdmin): name-server calls with failover and
/// broker calls over the client's connections. Not part of the public client API.
package final class AdminChannel: Sendable {
    let instance: ClientInstance

    package init(configuration: ClientConfiguration, logger: Logger = Logger(label: "comet.admin")) {
        instance = ClientInstance(
            configuration: configuration, logger: logger, heartbeat: { HeartbeatData(clientID: "") },
            onServerRequest: { request, _ in .response(to: request, code: .requestCodeNotSupported) })
    }

    /// Asks the name servers (in turn until one answers).
    package func callNameServer(_ request: RemotingCommand) async throws(ClientError) -> RemotingCommand {
        try await instance.callNameServer(request)
    }

    /// Asks every configured name server (for changes that must reach all of them).
    package func callEveryNameServer(_ request: RemotingCommand) async throws(ClientError) -> [RemotingCommand] {
        var responses: [RemotingCommand] = []
        for server in instance.configuration.nameServers {
            responses.append(try await instance.call(request, broker: server))
        }
        return responses
    }

    /// Asks one broker.
    package func call(_ request: RemotingCommand, broker address: String) async throws(ClientError) -> RemotingCommand {
        try await instance.call(request, broker: address)
    }

    /// The route of `topic`, or `nil` if no name server knows it.
    package func route(_ topic: String) async throws(ClientError) -> TopicRouteData? {
        try await instance.refreshRoute(topic)
    }

    /// Pulls up to `maxMessages` from `queue` at `offset` (no waiting); returns the messages and
    /// the next offset.
    package func pull(
        _ queue: MessageQueue, group: String, offset: Int64, maxMessages: Int32 = 32
    )
        async throws(ClientError) -> (messages: [ReceivedMessage], nextOffset: Int64)
    {
        let outcome = try await instance.pull(
            queue, group: group, offset: offset, maxMessages: maxMessages, expression: "*", sysFlag: [.subscription])
        return (outcome.messages, outcome.nextBeginOffset)
    }

    /// Closes connections.
    package func shutdown() async { await instance.shutdown() }
}
