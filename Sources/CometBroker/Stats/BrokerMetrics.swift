import CometCore
package import CoreMetrics
import Synchronization

/// The broker's RocketMQ 5.x metrics (`rocketmq_*`, names and labels as RocketMQ 5.1.4+ exports
/// them to Prometheus), recorded through swift-metrics into the factory the composition root
/// chose (the Prometheus registry behind `--http`).
///
/// Sends and pulls record here as they complete. The counters of a topic (or topic and group) are
/// made once and cached, so a send costs one short lock, one hash of the topic name and a few
/// atomic adds: no label strings are built per message. Gauges (lag, connections, storage) are
/// computed when scraped, by ``collect(_:)``.
package final class BrokerMetrics: Sendable {
    /// `message_type` of `rocketmq_messages_in_total`.
    package enum MessageType: UInt8, Sendable, Hashable {
        case normal, fifo, delay, transaction

        var label: String {
            switch self {
            case .normal: "normal"
            case .fifo: "fifo"
            case .delay: "delay"
            case .transaction: "transaction"
            }
        }
    }

    /// `protocol_type`: which endpoint a client used.
    package enum ProtocolType: UInt8, Sendable, Hashable {
        case remoting, grpc

        var label: String { self == .remoting ? "remoting" : "grpc" }
    }

    /// Histogram buckets by metric name (RocketMQ's), for the Prometheus factory.
    package static let histogramBuckets: [String: [Double]] = [
        Name.messageSize: [1024, 4096, 524_288, 1_048_576, 2_097_152, 4_194_304],
        Name.rpcLatency: [1, 3, 5, 7, 10, 100, 1000, 2000, 3000],
    ]

    /// Exposition names (units as suffixes, counters ending in `_total`).
    package enum Name {
        package static let messagesIn = "rocketmq_messages_in_total"
        package static let throughputIn = "rocketmq_throughput_in_total"
        package static let messageSize = "rocketmq_message_size"
        package static let messagesOut = "rocketmq_messages_out_total"
        package static let throughputOut = "rocketmq_throughput_out_total"
        package static let rpcLatency = "rocketmq_rpc_latency_milliseconds"
    }

    private struct InKey: Hashable {
        var topic: String
        var type: MessageType
        var protocolType: ProtocolType
    }

    private struct OutKey: Hashable {
        var topic: String
        var group: String
        var protocolType: ProtocolType
    }

    private struct InMeters {
        var messages: Counter
        var bytes: Counter
        var size: Recorder
    }

    private struct OutMeters {
        var messages: Counter
        var bytes: Counter
    }

    private struct RPCKey: Hashable {
        var request: Int32
        var response: Int32
    }

    let factory: any MetricsFactory
    /// `cluster`, `node_type`, `node_id`: on every series.
    let common: [(String, String)]
    /// `nil` for retry and dead-letter topics, which RocketMQ does not count.
    private let inMeters = Mutex<[InKey: InMeters?]>([:])
    private let outMeters = Mutex<[OutKey: OutMeters?]>([:])
    private let rpcMeters = Mutex<[RPCKey: Recorder]>([:])
    let gauges: GaugeTable

    package init(factory: any MetricsFactory, clusterName: String, brokerName: String) {
        self.factory = factory
        common = [("cluster", clusterName), ("node_type", "broker"), ("node_id", brokerName)]
        gauges = GaugeTable(factory: factory)
    }

    /// Stored messages of one send: `sizes` are the body sizes.
    package func recordIn(
        topic: String, type: MessageType, protocolType: ProtocolType, count: Int, bytes: Int,
        sizes: some Sequence<Int>
    ) {
        let key = InKey(topic: topic, type: type, protocolType: protocolType)
        let cached = inMeters.withLock { table in
            if let meters = table[key] { return meters }
            let meters = makeInMeters(key)
            table[key] = meters
            return meters
        }
        guard let meters = cached else { return }
        meters.messages.increment(by: Int64(count))
        meters.bytes.increment(by: Int64(bytes))
        for size in sizes { meters.size.record(Int64(size)) }
    }

    /// Messages a pull of `group` on `topic` returned.
    package func recordOut(topic: String, group: String, protocolType: ProtocolType, count: Int, bytes: Int) {
        guard count > 0 else { return }
        let key = OutKey(topic: topic, group: group, protocolType: protocolType)
        let cached = outMeters.withLock { table in
            if let meters = table[key] { return meters }
            let meters = makeOutMeters(key)
            table[key] = meters
            return meters
        }
        guard let meters = cached else { return }
        meters.messages.increment(by: Int64(count))
        meters.bytes.increment(by: Int64(bytes))
    }

    /// One answered remoting request.
    package func recordRPC(request: Int32, response: Int32, milliseconds: Double) {
        let key = RPCKey(request: request, response: response)
        let recorder = rpcMeters.withLock { table in
            if let recorder = table[key] { return recorder }
            let recorder = Recorder(
                label: Name.rpcLatency,
                dimensions: common + [
                    ("protocol_type", "remoting"), ("request_code", Self.codeLabel(RequestCode(rawValue: request))),
                    ("response_code", Self.codeLabel(ResponseCode(rawValue: response))),
                ],
                aggregate: true, factory: factory)
            table[key] = recorder
            return recorder
        }
        recorder.record(milliseconds)
    }

    /// Lower-case constant names as RocketMQ labels them (`send_message`, `success`), or the number.
    static func codeLabel(_ code: some CustomStringConvertible) -> String { code.description.lowercased() }

    /// Whether RocketMQ counts `topic` as a system topic (`is_system`).
    static func isSystem(_ topic: String) -> Bool {
        topic.hasPrefix("rmq_sys_") || topic.hasPrefix("SCHEDULE_TOPIC") || topic.hasPrefix("RMQ_SYS_")
            || topic == "TBW102" || topic == "OFFSET_MOVED_EVENT" || topic == "SELF_TEST_TOPIC"
            || topic.hasSuffix("_REPLY_TOPIC")
    }

    private static func isRetryOrDeadLetter(_ topic: String) -> Bool {
        topic.hasPrefix(TopicConfigManager.retryPrefix) || topic.hasPrefix(TopicConfigManager.dlqPrefix)
    }

    private func makeInMeters(_ key: InKey) -> InMeters? {
        guard !Self.isRetryOrDeadLetter(key.topic) else { return nil }
        let dimensions =
            common + [
                ("topic", key.topic), ("message_type", key.type.label), ("is_system", "\(Self.isSystem(key.topic))"),
                ("protocol_type", key.protocolType.label),
            ]
        return InMeters(
            messages: Counter(label: Name.messagesIn, dimensions: dimensions, factory: factory),
            bytes: Counter(label: Name.throughputIn, dimensions: dimensions, factory: factory),
            size: Recorder(label: Name.messageSize, dimensions: dimensions, aggregate: true, factory: factory))
    }

    private func makeOutMeters(_ key: OutKey) -> OutMeters? {
        guard !Self.isRetryOrDeadLetter(key.topic) else { return nil }
        let dimensions =
            common + [
                ("topic", key.topic), ("consumer_group", key.group), ("is_system", "\(Self.isSystem(key.topic))"),
                ("protocol_type", key.protocolType.label),
            ]
        return OutMeters(
            messages: Counter(label: Name.messagesOut, dimensions: dimensions, factory: factory),
            bytes: Counter(label: Name.throughputOut, dimensions: dimensions, factory: factory))
    }
}

/// Gauges set at scrape time. Each scrape sets every series it computes; series not set by the
/// scrape (a deleted group, a closed connection) are removed from the registry.
final class GaugeTable: Sendable {
    private struct Key: Hashable {
        var name: String
        var labels: [String]
    }

    private let factory: any MetricsFactory
    private let state = Mutex<(gauges: [Key: Gauge], seen: Set<Key>)>(([:], []))

    init(factory: any MetricsFactory) { self.factory = factory }

    /// Sets one series during a scrape.
    func set(_ name: String, _ dimensions: [(String, String)], _ value: Double) {
        let key = Key(name: name, labels: dimensions.flatMap { [$0.0, $0.1] })
        let gauge = state.withLock { state in
            state.seen.insert(key)
            if let gauge = state.gauges[key] { return gauge }
            let gauge = Gauge(label: name, dimensions: dimensions, factory: factory)
            state.gauges[key] = gauge
            return gauge
        }
        gauge.record(value)
    }

    /// Ends a scrape: drops the series it did not set.
    func sweep() {
        let stale = state.withLock { state in
            let stale = state.gauges.filter { !state.seen.contains($0.key) }
            for key in stale.keys { state.gauges.removeValue(forKey: key) }
            state.seen.removeAll(keepingCapacity: true)
            return Array(stale.values)
        }
        for gauge in stale { gauge.destroy() }
    }
}
