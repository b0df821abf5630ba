package import CometCore
package import CometProtocol
package import CometRemoting
package import Logging
import NIOCore
import Synchronization

/// Answers name-server requests: broker registration, routes, cluster info and KV configuration.
package final class NameServerProcessor: RequestProcessor {
    private let routes = Mutex(RouteInfoManager())
    private let kvConfig: Mutex<KVConfigManager>
    private let clock: WallClock
    private let logger: Logger
    /// Settings as GET_NAMESRV_CONFIG lists them; UPDATE_NAMESRV_CONFIG changes them in memory.
    private let settings: Mutex<[String: String]>
    /// A broker silent for this long no longer holds its name and id against other addresses.
    private let brokerExpiryMillis: Int64

    package init(
        kvConfig: KVConfigManager, configuration: NameServerConfiguration = .init(), clock: WallClock = .system,
        logger: Logger
    ) {
        self.kvConfig = Mutex(kvConfig)
        settings = Mutex(configuration.properties)
        self.clock = clock
        self.logger = logger
        brokerExpiryMillis = configuration.brokerExpiry.saturatingMilliseconds
    }

    /// A snapshot of the route table (tests, admin).
    package var routeTable: RouteInfoManager { routes.withLock { $0 } }

    /// Drops brokers whose last registration is older than `expiry`.
    package func scanNotActiveBrokers(expiry: Duration) {
        let now = clock.nowMillis()
        let expiryMillis = expiry.components.seconds * 1000 + expiry.components.attoseconds / 1_000_000_000_000_000
        let dropped = routes.withLock { $0.removeExpiredBrokers(now: now, expiryMillis: expiryMillis) }
        for addr in dropped {
            logger.warning("broker expired: no registration for \(expiry)", metadata: ["broker.address": "\(addr)"])
        }
    }

    package func connectionClosed(_ connection: RemotingConnection) {
        let dropped = routes.withLock { $0.connectionClosed(connection.id) }
        for addr in dropped {
            logger.info("broker connection closed; removing its routes", metadata: ["broker.address": "\(addr)"])
        }
    }

    package func process(_ request: RemotingCommand, connection: RemotingConnection) async throws -> RemotingCommand? {
        switch request.requestCode {
        case .registerBroker: return try registerBroker(request, connection: connection)
        case .unregisterBroker:
            let header = try request.decodeHeader(UnregisterBrokerRequestHeader.self)
            routes.withLock { $0.unregisterBroker(header) }
            logger.info(
                "broker unregistered",
                metadata: ["broker.name": "\(header.brokerName)", "broker.address": "\(header.brokerAddr)"])
            return .response(to: request)
        case .getRouteInfoByTopic:
            let header = try request.decodeHeader(GetRouteInfoRequestHeader.self)
            guard var route = routes.withLock({ $0.topicRoute(header.topic) }) else {
                return .response(
                    to: request, code: .topicNotExist,
                    remark: "No topic route info in name server for the topic: \(header.topic)")
            }
            route.orderTopicConf = kvConfig.withLock { $0.value(namespace: "ORDER_TOPIC_CONFIG", key: header.topic) }
            return .response(to: request, body: route.encoded())
        case .getBrokerClusterInfo:
            return .response(to: request, body: routes.withLock { $0.clusterInfo }.encoded())
        case .getAllTopicListFromNameServer:
            return .response(to: request, body: TopicList(topicList: routes.withLock { $0.allTopics }).encoded())
        case .deleteTopicInNamesrv:
            let header = try request.decodeHeader(DeleteTopicFromNamesrvRequestHeader.self)
            routes.withLock { $0.deleteTopic(header.topic, cluster: header.clusterName) }
            return .response(to: request)
        case .wipeWritePermOfBroker, .addWritePermOfBroker:
            let header = try request.decodeHeader(BrokerPermRequestHeader.self)
            let enable = request.requestCode == .addWritePermOfBroker
            let count = Int32(routes.withLock { $0.setWritePermission(of: header.brokerName, enabled: enable) })
            return .response(to: request, header: enable ? BrokerPermResponseHeader.add(count) : .wipe(count))
        case .putKVConfig:
            let header = try request.decodeHeader(PutKVConfigRequestHeader.self)
            try kvConfig.withLock { kv throws(CometError) in
                try kv.put(namespace: header.namespace, key: header.key, value: header.value)
            }
            return .response(to: request)
        case .getKVConfig:
            let header = try request.decodeHeader(KVConfigKeyRequestHeader.self)
            guard let value = kvConfig.withLock({ $0.value(namespace: header.namespace, key: header.key) }) else {
                return .response(
                    to: request, code: .queryNotFound,
                    remark: "No config item, Namespace: \(header.namespace) Key: \(header.key)")
            }
            return .response(to: request, header: GetKVConfigResponseHeader(value: value))
        case .deleteKVConfig:
            let header = try request.decodeHeader(KVConfigKeyRequestHeader.self)
            try kvConfig.withLock { kv throws(CometError) in try kv.delete(namespace: header.namespace, key: header.key)
            }
            return .response(to: request)
        case .getKVListByNamespace:
            let header = try request.decodeHeader(GetKVListByNamespaceRequestHeader.self)
            guard let table = kvConfig.withLock({ $0.list(namespace: header.namespace) }) else {
                return .response(
                    to: request, code: .queryNotFound, remark: "No config item, Namespace: \(header.namespace)")
            }
            return .response(to: request, body: KVTable(table: table).encoded())
        case .queryDataVersion:
            let header = try request.decodeHeader(QueryDataVersionRequestHeader.self)
            let version = try DataVersion(
                json: try JSONParser.parse(Array((request.body ?? ByteBuffer()).readableBytesView)))
            let now = clock.nowMillis()
            let (changed, known) = routes.withLock {
                $0.queryDataVersion(brokerAddr: header.brokerAddr, version: version, now: now)
            }
            return .response(
                to: request, header: DataVersionChangedHeader(changed: changed),
                body: known.map { JSONWriter.encode($0.json) })
        case .getTopicsByCluster:
            let header = try request.decodeHeader(GetTopicsByClusterRequestHeader.self)
            let topics = routes.withLock { $0.topics(inCluster: header.cluster) }
            return .response(to: request, body: TopicList(topicList: topics).encoded())
        case .getSystemTopicListFromNS:
            let (topics, addr) = routes.withLock { $0.systemTopics }
            return .response(to: request, body: TopicList(topicList: topics, brokerAddr: addr).encoded())
        case .getUnitTopicList:
            return .response(
                to: request, body: TopicList(topicList: routes.withLock { $0.topics(withSysFlag: 1) }).encoded())
        case .getHasUnitSubTopicList:
            return .response(
                to: request, body: TopicList(topicList: routes.withLock { $0.topics(withSysFlag: 2) }).encoded())
        case .getHasUnitSubUnUnitTopicList:
            let topics = routes.withLock { table in
                Set(table.topics(withSysFlag: 2)).intersection(table.topics(withSysFlag: 1, set: false)).sorted()
            }
            return .response(to: request, body: TopicList(topicList: topics).encoded())
        case .getNamesrvConfig:
            let text = settings.withLock { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }.joined() }
            return .response(to: request, body: ByteBuffer(string: text))
        case .updateNamesrvConfig:
            return updateConfig(request)
        default:
            return .response(
                to: request, code: .requestCodeNotSupported,
                remark: "request code \(request.code) (\(request.requestCode)) is not supported by the name server")
        }
    }

    /// UPDATE_NAMESRV_CONFIG (318): properties text merged, in memory, into the settings
    /// GET_NAMESRV_CONFIG lists. Comet's name server reads its settings only at start (flags), so a
    /// change is informational until the name server restarts with the new flags.
    private func updateConfig(_ request: RemotingCommand) -> RemotingCommand {
        guard let body = request.body, body.readableBytes > 0 else { return .response(to: request) }
        let text = String(buffer: body)
        var entries: [String: String] = [:]
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let trimmed = line.trimmingCharacters(in: " ")
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            guard let separator = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                return .response(to: request, code: .systemError, remark: "string2Properties error")
            }
            entries[String(trimmed[..<separator]).trimmingCharacters(in: " ")] =
                String(trimmed[trimmed.index(after: separator)...]).trimmingCharacters(in: " ")
        }
        if entries.keys.contains(where: NameServerConfiguration.updateBlackList.contains) {
            return .response(to: request, code: .noPermission, remark: "Can not update config in black list.")
        }
        settings.withLock { $0.merge(entries) { _, new in new } }
        logger.info("name server configuration updated", metadata: ["keys": "\(entries.keys.sorted())"])
        return .response(to: request)
    }

    private func registerBroker(_ request: RemotingCommand, connection: RemotingConnection) throws -> RemotingCommand {
        let header = try request.decodeHeader(RegisterBrokerRequestHeader.self)
        if header.compressed {
            return .response(
                to: request, code: .systemError,
                remark: "compressed broker registration is not supported; set compressedRegister=false")
        }
        if header.bodyCrc32 != 0 {
            let crc =
                request.body.map { body in
                    body.withUnsafeReadableBytes { Int32(bitPattern: CRC32.checksum($0) & 0x7FFF_FFFF) }
                } ?? 0
            guard crc == header.bodyCrc32 else {
                return .response(to: request, code: .systemError, remark: "crc32 not match")
            }
        }
        let body = try request.body.map { b throws(CometError) in try RegisterBrokerBody(body: b) }
        let now = clock.nowMillis()
        let (isNew, result) = routes.withLock { table in
            let isNew = table.brokerLiveTable[header.brokerAddr] == nil
            let result = table.registerBroker(
                header, body: body, connectionID: connection.id, now: now, expiryMillis: brokerExpiryMillis)
            return (isNew, result)
        }
        if let holder = result.refusedForLiveAddr {
            logger.warning(
                "refusing broker registration: the name and id belong to a live broker at another address",
                metadata: [
                    "broker.name": "\(header.brokerName)", "broker.id": "\(header.brokerId)",
                    "broker.address": "\(header.brokerAddr)", "live.address": "\(holder)",
                    "remote.address": "\(connection.remoteAddress)",
                ])
            return .response(
                to: request, code: .noPermission,
                remark:
                    "broker \(header.brokerName) id \(header.brokerId) is registered by the live broker at \(holder); it expires after \(brokerExpiryMillis / 1000) s without registering"
            )
        }
        if isNew {
            logger.info(
                "broker registered",
                metadata: [
                    "broker.name": "\(header.brokerName)", "broker.address": "\(header.brokerAddr)",
                    "broker.id": "\(header.brokerId)", "cluster": "\(header.clusterName)",
                    "topics": "\(body?.topicConfigTable.count ?? 0)",
                ])
        }
        return .response(
            to: request,
            header: RegisterBrokerResponseHeader(haServerAddr: result.haServerAddr, masterAddr: result.masterAddr),
            body: KVTable(table: kvConfig.withLock { $0.list(namespace: "ORDER_TOPIC_CONFIG") } ?? [:]).encoded())
    }
}

/// QUERY_DATA_VERSION response header.
struct DataVersionChangedHeader: CommandHeader {
    var changed: Bool
    init(changed: Bool) { self.changed = changed }
    static let fieldDefaults = ["changed": "false"]
}
