import CometCore
import CometProtocol
import CometRemoting
import Logging
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The connection layer one producer or consumer uses: name-server lookups with failover, a
/// route cache refreshed every 30 s, broker addresses, heartbeats, and server-pushed requests.
///
/// Its background work (refresh, heartbeats, serving pushed requests) is ``run()``: one task whose
/// children are those loops. The owner either runs it in its own `run` (structured), or calls
/// ``start()``/``shutdown()``, which keep that one task and wait for it to end.
final class ClientInstance: Sendable {
    let configuration: ClientConfiguration
    let clientId: String
    let logger: Logger
    let remoting: RemotingClient
    private let routes = Mutex<[String: TopicRouteData]>([:])
    private let nameServerIndex = Atomic<Int>(0)
    private let heartbeatSource: @Sendable () -> HeartbeatData
    private let background = Mutex<Task<Void, Never>?>(nil)
    private let heartbeatTriggers: AsyncStream<Void>
    private let heartbeatRequests: AsyncStream<Void>.Continuation
    /// Brokers a heartbeat has reached (see ``ensureHeartbeat(_:)``).
    private let heartbeated = Mutex<Set<String>>([])
    private static let instances = Atomic<Int>(0)
    private let routeVersion = Atomic<UInt64>(0)
    /// The broker id each queue is pulled from next, as the last pull answer suggested
    /// (`suggestWhichBrokerId`; upstream `PullAPIWrapper.pullFromWhichNodeTable`).
    let pullFromBroker = Mutex<[MessageQueue: Int64]>([:])

    /// Changes whenever a route is fetched or dropped, so views derived from routes know to recompute.
    var routeGeneration: UInt64 { routeVersion.load(ordering: .acquiring) }

    init(
        configuration: ClientConfiguration, logger: Logger,
        heartbeat: @escaping @Sendable () -> HeartbeatData,
        onServerRequest: @escaping @Sendable (RemotingCommand, RemotingConnection) async -> RemotingCommand?
    ) {
        self.configuration = configuration
        self.logger = logger
        self.heartbeatSource = heartbeat
        let ip = configuration.clientIP ?? Self.localIPv4()
        let n = Self.instances.add(1, ordering: .relaxed).newValue
        let name = configuration.instanceName == "DEFAULT" ? "\(getpid())-\(n)" : configuration.instanceName
        clientId = "\(ip)@\(name)"
        remoting = RemotingClient(configuration: configuration.remoting, logger: logger) { request, connection in
            await onServerRequest(request, connection)
        }
        (heartbeatTriggers, heartbeatRequests) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Refreshes routes, heartbeats brokers (periodically and when a new broker appears) and serves
    /// the requests brokers push, until the calling task is cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.remoting.run() }
            group.addTask {
                for await _ in self.heartbeatTriggers { await self.sendHeartbeats() }
            }
            group.addTask { await self.refreshPeriodically() }
        }
    }

    /// Runs ``run()`` in a task this instance keeps until ``shutdown()``.
    func start() {
        background.withLock { task in
            guard task == nil else { return }
            task = Task { await self.run() }
        }
    }

    /// Stops the background work, waits for it to end, and closes every connection.
    func shutdown() async {
        let task = background.withLock { $0 }
        task?.cancel()
        await remoting.shutdown()
        await task?.value
    }

    private func refreshPeriodically() async {
        var lastHeartbeat = ContinuousClock.now
        var lastRefresh = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            let now = ContinuousClock.now
            if now - lastRefresh >= configuration.routeRefreshInterval {
                lastRefresh = now
                for topic in routes.withLock({ Array($0.keys) }) { _ = try? await refreshRoute(topic) }
            }
            if now - lastHeartbeat >= configuration.heartbeatInterval {
                lastHeartbeat = now
                await sendHeartbeats()
            }
        }
    }

    /// Milliseconds since the epoch.
    func nowMillis() -> Int64 { WallClock.system.nowMillis() }

    // MARK: Routes

    /// The cached route of `topic`, fetched on first use; `nil` when no name server knows it.
    func route(_ topic: String) async throws(ClientError) -> TopicRouteData? {
        if let cached = routes.withLock({ $0[topic] }) { return cached }
        return try await refreshRoute(topic)
    }

    /// Fetches the route of `topic` now.
    @discardableResult
    func refreshRoute(_ topic: String) async throws(ClientError) -> TopicRouteData? {
        let response = try await callNameServer(
            .request(.getRouteInfoByTopic, header: GetRouteInfoRequestHeader(topic: topic)))
        switch response.responseCode {
        case .success:
            do {
                let route = try TopicRouteData(body: response.body)
                let newBrokers = routes.withLock { routes -> Bool in
                    let known = Set(routes.values.flatMap { $0.brokerDatas.flatMap { $0.brokerAddrs.values } })
                    routes[topic] = route
                    routeVersion.add(1, ordering: .releasing)
                    return !Set(route.brokerDatas.flatMap { $0.brokerAddrs.values }).isSubset(of: known)
                }
                // A broker seen for the first time learns about this client at once (it needs a
                // producer connection for transaction checks, and consumer subscriptions for pulls).
                if newBrokers { heartbeatRequests.yield() }
                return route
            } catch {
                throw ClientError(.brokerError, "invalid route data for \(topic): \(error.message)")
            }
        case .topicNotExist:
            routes.withLock {
                _ = $0.removeValue(forKey: topic)
                routeVersion.add(1, ordering: .releasing)
            }
            return nil
        default:
            throw ClientError(
                .brokerError, response.remark ?? "route lookup failed", responseCode: response.code)
        }
    }

    /// The master address of `brokerName`, from any cached route.
    func masterAddress(_ brokerName: String) -> String? {
        routes.withLock { routes in
            for route in routes.values {
                if let data = route.brokerDatas.first(where: { $0.brokerName == brokerName }),
                    let addr = data.masterAddr
                {
                    return addr
                }
            }
            return nil
        }
    }

    /// The master of `brokerName`, or a slave when the master is gone (reads only).
    func readAddress(_ brokerName: String) -> String? {
        routes.withLock { routes in
            for route in routes.values {
                if let data = route.brokerDatas.first(where: { $0.brokerName == brokerName }) {
                    return data.masterAddr ?? data.brokerAddrs.sorted { $0.key < $1.key }.first?.value
                }
            }
            return nil
        }
    }

    /// Where to pull `brokerName` from when `brokerId` is suggested (upstream
    /// `findBrokerAddressInSubscribe`): that id, else the next one up for a slave id, else the master,
    /// else any broker of the group. Returns the address and the id found.
    func subscribeAddress(_ brokerName: String, brokerId: Int64) -> (address: String, brokerId: Int64)? {
        routes.withLock { routes in
            for route in routes.values {
                guard let data = route.brokerDatas.first(where: { $0.brokerName == brokerName }) else { continue }
                if let address = data.brokerAddrs[brokerId] { return (address, brokerId) }
                if brokerId != 0, let address = data.brokerAddrs[brokerId + 1] { return (address, brokerId + 1) }
                if let address = data.brokerAddrs[0] { return (address, 0) }
                if let first = data.brokerAddrs.sorted(by: { $0.key < $1.key }).first {
                    return (first.value, first.key)
                }
            }
            return nil
        }
    }

    /// Every broker address in the cached routes.
    var allBrokerAddresses: Set<String> {
        routes.withLock { Set($0.values.flatMap { $0.brokerDatas.flatMap { $0.brokerAddrs.values } }) }
    }

    // MARK: Calls

    /// Calls the name servers in turn, starting with the last one that answered.
    func callNameServer(_ request: RemotingCommand) async throws(ClientError) -> RemotingCommand {
        let servers = configuration.nameServers
        guard !servers.isEmpty else { throw ClientError(.invalidArgument, "no name server configured") }
        let start = nameServerIndex.load(ordering: .relaxed)
        var lastError = ClientError(.connectionFailed, "no name server answered")
        for i in 0..<servers.count {
            let index = (start + i) % servers.count
            do {
                let response = try await remoting.invoke(
                    request, to: servers[index], timeout: configuration.requestTimeout)
                nameServerIndex.store(index, ordering: .relaxed)
                return response
            } catch {
                lastError = Self.clientError(error, servers[index])
            }
        }
        throw lastError
    }

    /// Calls a broker.
    func call(
        _ request: RemotingCommand, broker address: String, timeout: Duration? = nil
    ) async throws(ClientError)
        -> RemotingCommand
    {
        do {
            return try await remoting.invoke(request, to: address, timeout: timeout ?? configuration.requestTimeout)
        } catch {
            throw Self.clientError(error, address)
        }
    }

    /// Calls a broker with a request whose frame `encode` writes straight into the outbound buffer
    /// (given the call's opaque); `capacity` sizes that buffer.
    func call(
        broker address: String, code: RequestCode, timeout: Duration? = nil, capacity: Int,
        encode: (Int32, inout ByteBuffer) -> Void
    ) async throws(ClientError) -> RemotingCommand {
        if let request = try commandForSigning(capacity: capacity, encode: encode) {
            return try await call(request, broker: address, timeout: timeout)
        }
        do {
            let connection = try await remoting.connection(to: address)
            return try await connection.invoke(
                code: code.rawValue, timeout: timeout ?? configuration.requestTimeout, capacity: capacity
            ) { opaque, buffer in
                encode(opaque, &buffer)
                return nil
            }
        } catch {
            throw Self.clientError(error, address)
        }
    }

    /// Sends a oneway request whose frame `encode` writes, like ``call(broker:code:timeout:capacity:encode:)``.
    func callOneway(
        broker address: String, code: RequestCode, capacity: Int, encode: (Int32, inout ByteBuffer) -> Void
    ) async throws(ClientError) {
        if let request = try commandForSigning(capacity: capacity, encode: encode) {
            return try await callOneway(request, broker: address)
        }
        do {
            try await remoting.connection(to: address).invokeOneway(
                code: code.rawValue, capacity: capacity, encode: encode)
        } catch {
            throw Self.clientError(error, address)
        }
    }

    /// Sends a oneway request to a broker.
    func callOneway(_ request: RemotingCommand, broker address: String) async throws(ClientError) {
        do {
            try await remoting.invokeOneway(request, to: address)
        } catch {
            throw Self.clientError(error, address)
        }
    }

    /// Sends the heartbeat to `address` now unless one already reached it (request-reply needs the
    /// broker to know this client as a producer before the first request leaves).
    func ensureHeartbeat(_ address: String?) async {
        guard let address, heartbeated.withLock({ $0.insert(address).inserted }) else { return }
        var heartbeat = heartbeatSource()
        heartbeat.clientID = clientId
        var request = RemotingCommand.request(.heartBeat, body: heartbeat.encoded())
        request.language = .other
        if (try? await call(request, broker: address)) == nil { _ = heartbeated.withLock { $0.remove(address) } }
    }

    /// Sends the current heartbeat to every known broker.
    func sendHeartbeats() async {
        var heartbeat = heartbeatSource()
        heartbeat.clientID = clientId
        let body = heartbeat.encoded()
        await withTaskGroup(of: Void.self) { group in
            for address in allBrokerAddresses {
                group.addTask {
                    do {
                        // Not JAVA: brokers then send list-shaped bodies (offset resets) this client can parse.
                        var request = RemotingCommand.request(.heartBeat, body: body)
                        request.language = .other
                        _ = try await self.call(request, broker: address)
                        _ = self.heartbeated.withLock { $0.insert(address) }
                    } catch {
                        self.logger.debug("heartbeat failed", metadata: ["broker": "\(address)", "error": "\(error)"])
                    }
                }
            }
        }
    }

    static func clientError(_ error: any Error, _ address: String) -> ClientError {
        if let error = error as? ClientError { return error }
        if let error = error as? CometError {
            switch error.code {
            case .timeout: return ClientError(.timeout, "\(address): \(error.message)")
            case .shutdown: return ClientError(.notRunning, error.message)
            default: return ClientError(.connectionFailed, "\(address): \(error.message)")
            }
        }
        return ClientError(.connectionFailed, "\(address): \(error)")
    }

    /// The first non-loopback IPv4 address, else 127.0.0.1.
    static func localIPv4() -> String {
        for device in (try? System.enumerateDevices()) ?? [] {
            if case .v4 = device.address, let ip = device.address?.ipAddress, !ip.hasPrefix("127.") { return ip }
        }
        return "127.0.0.1"
    }
}
