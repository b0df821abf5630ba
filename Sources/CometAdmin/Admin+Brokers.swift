package import CometClient
import CometCore
import CometProtocol
import NIOCore

/// One broker as `clusterList` shows it, with figures from its runtime info.
package struct BrokerSummary: Codable, Sendable, Hashable {
    package var cluster: String
    package var brokerName: String
    package var brokerId: Int64
    package var address: String
    package var version: String
    /// Messages per second in and out (last 10 s; empty right after start).
    package var inTps: String
    package var outTps: String
    package var putTodayNow: Int64
    package var getTodayNow: Int64
    package var putYesterday: Int64
    package var getYesterday: Int64
    package var commitLogDiskRatio: String
}

extension Admin {
    /// Calls a broker and fails with an error that names the broker, the response code and its remark.
    func callChecked(_ request: RemotingCommand, broker address: String) async throws(ClientError) -> RemotingCommand {
        let response = try await channel.call(request, broker: address)
        guard response.responseCode == .success else {
            throw ClientError(
                .brokerError,
                "broker \(address) answered \(request.requestCode) with \(response.responseCode)(\(response.code))"
                    + (response.remark.map { ": \($0)" } ?? ""),
                responseCode: response.code)
        }
        return response
    }

    /// Decodes an answer's body, naming the broker when it does not parse.
    func body<B: JSONBody>(_ type: B.Type, of response: RemotingCommand, from address: String) throws(ClientError) -> B
    {
        do {
            return try B(body: response.body)
        } catch {
            throw ClientError(.brokerError, "broker \(address) sent an invalid \(B.self): \(error.message)")
        }
    }

    /// Every master address, by broker name (of `cluster`, or all).
    package func masters(cluster: String? = nil) async throws(ClientError) -> [(brokerName: String, address: String)] {
        let info = try await clusterInfo()
        let names = cluster.map { info.clusterAddrTable[$0] ?? [] } ?? Array(info.brokerAddrTable.keys)
        return names.sorted().compactMap { name in info.brokerAddrTable[name]?.masterAddr.map { (name, $0) } }
    }

    /// Brokers with their runtime figures (`mqadmin clusterList`).
    package func clusterSummary() async throws(ClientError) -> [BrokerSummary] {
        let info = try await clusterInfo()
        var result: [BrokerSummary] = []
        for (cluster, names) in info.clusterAddrTable.sorted(by: { $0.key < $1.key }) {
            for name in names.sorted() {
                guard let data = info.brokerAddrTable[name] else { continue }
                for (id, address) in data.brokerAddrs.sorted(by: { $0.key < $1.key }) {
                    let table = try await runtimeInfo(broker: address)
                    func first(_ key: String) -> String { String((table[key] ?? "").split(separator: " ").first ?? "") }
                    func int(_ key: String) -> Int64 { Int64(table[key] ?? "") ?? 0 }
                    result.append(
                        BrokerSummary(
                            cluster: cluster, brokerName: name, brokerId: id, address: address,
                            version: table["brokerVersionDesc"] ?? "", inTps: first("putTps"),
                            outTps: first("getTransferedTps"), putTodayNow: int("msgPutTotalTodayNow"),
                            getTodayNow: int("msgGetTotalTodayNow"),
                            putYesterday: int("msgPutTotalTodayMorning") - int("msgPutTotalYesterdayMorning"),
                            getYesterday: int("msgGetTotalTodayMorning") - int("msgGetTotalYesterdayMorning"),
                            commitLogDiskRatio: table["commitLogDiskRatio"] ?? ""))
                }
            }
        }
        return result
    }

    /// A broker's runtime figures (`mqadmin brokerStatus`).
    package func runtimeInfo(broker address: String) async throws(ClientError) -> [String: String] {
        let response = try await callChecked(.request(.getBrokerRuntimeInfo), broker: address)
        return try body(KVTable.self, of: response, from: address).table
    }

    /// A broker's settings in force (`mqadmin getBrokerConfig`), in its order.
    package func brokerConfig(broker address: String) async throws(ClientError) -> [(key: String, value: String)] {
        let response = try await callChecked(.request(.getBrokerConfig), broker: address)
        let text = response.body.map { String(buffer: $0) } ?? ""
        // java.util.Properties text as `Configuration.getAllConfigsFormatString` writes it.
        return text.split(separator: "\n").compactMap { line -> (key: String, value: String)? in
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), String(parts[1]))
        }
    }

    /// Changes one setting on `broker`, or on every master of `cluster` (all clusters when both are
    /// nil); returns the brokers changed (`mqadmin updateBrokerConfig`).
    package func updateBrokerConfig(
        key: String, value: String, broker: String? = nil, cluster: String? = nil
    )
        async throws(ClientError) -> [String]
    {
        let targets = try await targets(broker: broker, cluster: cluster)
        for address in targets {
            var request = RemotingCommand.request(.updateBrokerConfig)
            request.body = ByteBuffer(string: "\(key)=\(value)\n")
            _ = try await callChecked(request, broker: address)
        }
        return targets
    }

    /// Clusters that hold queues of `topic` (`mqadmin topicClusterList`).
    package func topicClusters(_ topic: String) async throws(ClientError) -> [String] {
        let topicRoute = try await route(topic)
        return Array(Set(topicRoute.brokers.map(\.cluster))).sorted()
    }

    /// Clears or restores write permission of `brokerName` on every name server; returns the
    /// number of topics changed per name server (`mqadmin wipeWritePerm` / `addWritePerm`).
    package func setWritePermission(brokerName: String, enabled: Bool) async throws(ClientError) -> [Int32] {
        var counts: [Int32] = []
        for response in try await channel.callEveryNameServer(
            .request(
                enabled ? .addWritePermOfBroker : .wipeWritePermOfBroker,
                header: BrokerPermRequestHeader(brokerName: brokerName)))
        {
            try check(response)
            counts.append((try? response.decodeHeader(BrokerPermResponseHeader.self))?.count ?? 0)
        }
        return counts
    }

    /// Puts or (with `nil`) deletes a KV config entry on every name server (`mqadmin updateKvConfig`,
    /// `deleteKvConfig`; namespace `ORDER_TOPIC_CONFIG` is `updateOrderConf`).
    package func setKVConfig(namespace: String, key: String, value: String?) async throws(ClientError) {
        let request: RemotingCommand
        if let value {
            request = .request(
                .putKVConfig, header: PutKVConfigRequestHeader(namespace: namespace, key: key, value: value))
        } else {
            request = .request(.deleteKVConfig, header: KVConfigKeyRequestHeader(namespace: namespace, key: key))
        }
        for response in try await channel.callEveryNameServer(request) { try check(response) }
    }

    /// Send round trips to each master, in milliseconds (`mqadmin clusterRT`): `count` small
    /// messages to the broker's own topic (every broker has one named after it).
    package func clusterRoundTrips(
        count: Int, configuration: ClientConfiguration
    ) async throws(ClientError)
        -> [(brokerName: String, address: String, millis: [Double])]
    {
        let producer = Producer(group: "comet-admin-cluster-rt", configuration: configuration)
        try await producer.start()
        var result: [(String, String, [Double])] = []
        do throws(ClientError) {
            for (name, address) in try await masters() {
                var times: [Double] = []
                for _ in 0..<max(1, count) {
                    let started = ContinuousClock.now
                    _ = try await producer.send(Message(topic: name, text: "clusterRT"))
                    let elapsed = ContinuousClock.now - started
                    times.append(
                        Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
                }
                result.append((name, address, times))
            }
        } catch {
            await producer.shutdown()
            throw error
        }
        await producer.shutdown()
        return result
    }
}
