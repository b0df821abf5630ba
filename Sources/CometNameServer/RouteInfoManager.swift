import CometCore
package import CometProtocol

/// What a name server knows about one registered broker address.
package struct BrokerLiveInfo: Sendable, Hashable {
    /// When the broker last registered (ms).
    package var lastUpdateTimestamp: Int64
    package var dataVersion: DataVersion
    package var haServerAddr: String
    /// The connections it registered on; when the last of them closes the broker is dropped at
    /// once. A connection closing removes only what was registered over it.
    package var connectionIDs: Set<UInt64>
}

/// Where a slave finds its master, answered to every registration.
package struct RegisterBrokerResult: Sendable, Hashable {
    package var haServerAddr: String?
    package var masterAddr: String?
    /// Set when the registration was refused: the live address already registered under the
    /// same broker name and id (nothing was changed).
    package var refusedForLiveAddr: String?

    package init(haServerAddr: String? = nil, masterAddr: String? = nil, refusedForLiveAddr: String? = nil) {
        self.haServerAddr = haServerAddr
        self.masterAddr = masterAddr
        self.refusedForLiveAddr = refusedForLiveAddr
    }
}

/// The name server's route table, as a pure state machine: every method takes the current time
/// as an argument, so liveness is tested without clocks or sleeps. Callers hold it under a lock.
///
/// Tables follow RocketMQ's `RouteInfoManager`: cluster → broker names, broker name → addresses by
/// broker id, topic → queue data per broker name, and broker address → liveness.
package struct RouteInfoManager: Sendable {
    package private(set) var clusterAddrTable: [String: Set<String>] = [:]
    package private(set) var brokerAddrTable: [String: BrokerData] = [:]
    package private(set) var topicQueueTable: [String: [String: QueueData]] = [:]
    package private(set) var brokerLiveTable: [String: BrokerLiveInfo] = [:]

    package init() {}

    /// Records a broker registration (or its periodic refresh).
    ///
    /// Topic queue data is taken from masters only, and only when the broker is new or its data
    /// version changed; topics the master no longer reports lose that broker's queues.
    ///
    /// Registrations are not authenticated, so a registration never evicts a *live* broker: when
    /// another address holds the same broker name and id and registered within `expiryMillis`,
    /// nothing changes and the result says who holds the slot.
    package mutating func registerBroker(
        _ header: RegisterBrokerRequestHeader, body: RegisterBrokerBody?, connectionID: UInt64?, now: Int64,
        expiryMillis: Int64 = 120_000
    ) -> RegisterBrokerResult {
        if let holder = brokerAddrTable[header.brokerName]?.brokerAddrs[header.brokerId], holder != header.brokerAddr,
            let live = brokerLiveTable[holder], now - live.lastUpdateTimestamp <= expiryMillis
        {
            return RegisterBrokerResult(refusedForLiveAddr: holder)
        }
        clusterAddrTable[header.clusterName, default: []].insert(header.brokerName)

        var brokerData =
            brokerAddrTable[header.brokerName]
            ?? BrokerData(cluster: header.clusterName, brokerName: header.brokerName, brokerAddrs: [:])
        var registerFirst = brokerAddrTable[header.brokerName] == nil
        // An address that changes role (slave promoted to master) must not stay under its old id.
        for (id, addr) in brokerData.brokerAddrs where addr == header.brokerAddr && id != header.brokerId {
            brokerData.brokerAddrs.removeValue(forKey: id)
        }
        let previousAddr = brokerData.brokerAddrs.updateValue(header.brokerAddr, forKey: header.brokerId)
        registerFirst = registerFirst || previousAddr == nil
        brokerData.cluster = header.clusterName
        brokerAddrTable[header.brokerName] = brokerData

        let dataVersion = body?.dataVersion ?? DataVersion(timestamp: 0, counter: 0)
        if header.brokerId == 0, let body {
            let changed = brokerLiveTable[header.brokerAddr]?.dataVersion != dataVersion
            if registerFirst || changed {
                replaceQueueData(of: header.brokerName, with: body.topicConfigTable)
            }
        }
        var connectionIDs = brokerLiveTable[header.brokerAddr]?.connectionIDs ?? []
        if let connectionID { connectionIDs.insert(connectionID) }
        brokerLiveTable[header.brokerAddr] = BrokerLiveInfo(
            lastUpdateTimestamp: now, dataVersion: dataVersion, haServerAddr: header.haServerAddr,
            connectionIDs: connectionIDs)

        var result = RegisterBrokerResult()
        if header.brokerId != 0, let masterAddr = brokerData.brokerAddrs[0] {
            result.masterAddr = masterAddr
            result.haServerAddr = brokerLiveTable[masterAddr]?.haServerAddr
        }
        return result
    }

    /// Removes one broker address (UNREGISTER_BROKER); a broker name with no address left loses its
    /// topic queues.
    package mutating func unregisterBroker(_ header: UnregisterBrokerRequestHeader) {
        brokerLiveTable.removeValue(forKey: header.brokerAddr)
        guard var brokerData = brokerAddrTable[header.brokerName] else { return }
        if brokerData.brokerAddrs[header.brokerId] == header.brokerAddr {
            brokerData.brokerAddrs.removeValue(forKey: header.brokerId)
        }
        store(brokerData, cluster: header.clusterName)
    }

    /// Drops brokers not refreshed within `expiryMillis`; returns the dropped addresses.
    package mutating func removeExpiredBrokers(now: Int64, expiryMillis: Int64) -> [String] {
        let expired = brokerLiveTable.filter { now - $0.value.lastUpdateTimestamp > expiryMillis }.map(\.key)
        for addr in expired { destroyBroker(at: addr) }
        return expired.sorted()
    }

    /// Forgets a connection that just closed; drops every broker for which it was the last
    /// connection it registered on, and returns their addresses.
    package mutating func connectionClosed(_ connectionID: UInt64) -> [String] {
        var gone: [String] = []
        for (addr, var live) in brokerLiveTable where live.connectionIDs.contains(connectionID) {
            live.connectionIDs.remove(connectionID)
            if live.connectionIDs.isEmpty {
                gone.append(addr)
            } else {
                brokerLiveTable[addr] = live
            }
        }
        for addr in gone { destroyBroker(at: addr) }
        return gone.sorted()
    }

    /// The route of `topic`, or `nil` when no live broker serves it.
    package func topicRoute(_ topic: String) -> TopicRouteData? {
        guard let queues = topicQueueTable[topic], !queues.isEmpty else { return nil }
        let brokerDatas = queues.keys.sorted().compactMap { brokerAddrTable[$0] }
        guard !brokerDatas.isEmpty else { return nil }
        return TopicRouteData(
            queueDatas: queues.values.sorted { $0.brokerName < $1.brokerName }, brokerDatas: brokerDatas)
    }

    /// Removes a topic's routes, from one cluster's brokers or from all of them.
    package mutating func deleteTopic(_ topic: String, cluster: String? = nil) {
        guard let cluster else {
            topicQueueTable.removeValue(forKey: topic)
            return
        }
        guard var queues = topicQueueTable[topic] else { return }
        for brokerName in clusterAddrTable[cluster] ?? [] { queues.removeValue(forKey: brokerName) }
        topicQueueTable[topic] = queues.isEmpty ? nil : queues
    }

    /// Topics with queues on any broker of `cluster` (GET_TOPICS_BY_CLUSTER); empty for an unknown cluster.
    package func topics(inCluster cluster: String) -> [String] {
        let names = clusterAddrTable[cluster] ?? []
        return topicQueueTable.filter { !names.isDisjoint(with: $0.value.keys) }.keys.sorted()
    }

    /// Topics whose queue data carries `flag` in its topic sys-flag on some broker (unit topics: 1,
    /// topics with unit subscriptions: 2).
    package func topics(withSysFlag flag: Int32, set: Bool = true) -> [String] {
        topicQueueTable.filter { entry in entry.value.values.contains { ($0.topicSysFlag & flag != 0) == set } }.keys
            .sorted()
    }

    /// The cluster and broker names (each is also a topic) and one broker address
    /// (GET_SYSTEM_TOPIC_LIST_FROM_NS).
    package var systemTopics: (topics: [String], brokerAddr: String?) {
        var topics = Set(clusterAddrTable.keys)
        for names in clusterAddrTable.values { topics.formUnion(names) }
        let addr = brokerAddrTable.keys.sorted().first.flatMap {
            brokerAddrTable[$0]?.brokerAddrs.values.sorted().first
        }
        return (topics.sorted(), addr)
    }

    /// Whether `brokerAddr` reported another data version last time (or never registered), and
    /// refreshes its liveness (QUERY_DATA_VERSION, RocketMQ `isBrokerTopicConfigChanged`).
    package mutating func queryDataVersion(
        brokerAddr: String, version: DataVersion, now: Int64
    ) -> (
        changed: Bool, known: DataVersion?
    ) {
        guard var live = brokerLiveTable[brokerAddr] else { return (true, nil) }
        let changed = live.dataVersion != version
        live.lastUpdateTimestamp = now
        brokerLiveTable[brokerAddr] = live
        return (changed, live.dataVersion)
    }

    /// Every topic with a route, sorted.
    package var allTopics: [String] { topicQueueTable.keys.sorted() }

    /// The cluster layout for GET_BROKER_CLUSTER_INFO.
    package var clusterInfo: ClusterInfo {
        ClusterInfo(brokerAddrTable: brokerAddrTable, clusterAddrTable: clusterAddrTable.mapValues { $0.sorted() })
    }

    /// Sets or clears the write permission of every topic queue of `brokerName`; returns how many
    /// topics it touched.
    package mutating func setWritePermission(of brokerName: String, enabled: Bool) -> Int {
        var count = 0
        for (topic, var queues) in topicQueueTable {
            guard var queue = queues[brokerName] else { continue }
            if enabled { queue.perm.insert(.write) } else { queue.perm.remove(.write) }
            queues[brokerName] = queue
            topicQueueTable[topic] = queues
            count += 1
        }
        return count
    }

    private mutating func replaceQueueData(of brokerName: String, with topics: [String: TopicConfig]) {
        for (topic, var queues) in topicQueueTable where queues[brokerName] != nil && topics[topic] == nil {
            queues.removeValue(forKey: brokerName)
            topicQueueTable[topic] = queues.isEmpty ? nil : queues
        }
        for (name, config) in topics {
            topicQueueTable[name, default: [:]][brokerName] = QueueData(
                brokerName: brokerName, readQueueNums: config.readQueueNums, writeQueueNums: config.writeQueueNums,
                perm: config.perm, topicSysFlag: config.topicSysFlag)
        }
    }

    private mutating func destroyBroker(at addr: String) {
        brokerLiveTable.removeValue(forKey: addr)
        for (_, var brokerData) in brokerAddrTable where brokerData.brokerAddrs.values.contains(addr) {
            brokerData.brokerAddrs = brokerData.brokerAddrs.filter { $0.value != addr }
            store(brokerData, cluster: brokerData.cluster)
        }
    }

    /// Writes back `brokerData`, removing the broker name everywhere once it has no address left.
    private mutating func store(_ brokerData: BrokerData, cluster: String) {
        guard brokerData.brokerAddrs.isEmpty else {
            brokerAddrTable[brokerData.brokerName] = brokerData
            return
        }
        let name = brokerData.brokerName
        brokerAddrTable.removeValue(forKey: name)
        for (clusterName, var names) in clusterAddrTable where names.contains(name) {
            names.remove(name)
            clusterAddrTable[clusterName] = names.isEmpty ? nil : names
        }
        for (topic, var queues) in topicQueueTable where queues[name] != nil {
            queues.removeValue(forKey: name)
            topicQueueTable[topic] = queues.isEmpty ? nil : queues
        }
    }
}
