import CometBroker
import CoreMetrics
import Synchronization
import Testing

/// Records what the broker's metrics make and record, by metric name and labels.
private final class RecordingFactory: MetricsFactory, Sendable {
    final class Handler: CounterHandler, RecorderHandler, Sendable {
        let values = Mutex<[Double]>([])
        func increment(by amount: Int64) { values.withLock { $0.append(Double(amount)) } }
        func reset() {}
        func record(_ value: Int64) { values.withLock { $0.append(Double(value)) } }
        func record(_ value: Double) { values.withLock { $0.append(value) } }
        var total: Double { values.withLock { $0.reduce(0, +) } }
        var count: Int { values.withLock { $0.count } }
    }

    let made = Mutex<[(name: String, labels: [String: String], handler: Handler)]>([])

    private func make(_ label: String, _ dimensions: [(String, String)]) -> Handler {
        let handler = Handler()
        made.withLock { $0.append((label, Dictionary(uniqueKeysWithValues: dimensions), handler)) }
        return handler
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { make(label, dimensions) }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        make(label, dimensions)
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { NOOPMetricsHandler.instance }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    func handlers(_ name: String, _ labels: [String: String] = [:]) -> [Handler] {
        made.withLock { made in
            made.filter { entry in
                entry.name == name && labels.allSatisfy { key, value in entry.labels[key] == value }
            }
            .map(\.handler)
        }
    }
}

@Suite("Broker metrics")
struct BrokerMetricsTests {
    @Test("Counters of a topic are made once and add up; sizes go to the histogram; node labels on every series")
    func countersAreCachedPerTopic() {
        let factory = RecordingFactory()
        let metrics = BrokerMetrics(factory: factory, clusterName: "C", brokerName: "b")
        metrics.recordIn(topic: "T", type: .normal, protocolType: .remoting, count: 2, bytes: 30, sizes: [10, 20])
        metrics.recordIn(topic: "T", type: .normal, protocolType: .remoting, count: 1, bytes: 5, sizes: [5])
        metrics.recordIn(topic: "T", type: .delay, protocolType: .grpc, count: 1, bytes: 7, sizes: [7])

        let normal = [
            "topic": "T", "message_type": "normal", "protocol_type": "remoting", "cluster": "C",
            "node_type": "broker", "node_id": "b", "is_system": "false",
        ]
        let messages = factory.handlers("rocketmq_messages_in_total", normal)
        #expect(messages.count == 1)
        #expect(messages.first?.total == 3)
        #expect(factory.handlers("rocketmq_throughput_in_total", normal).first?.total == 35)
        #expect(factory.handlers("rocketmq_message_size", normal).first?.values.withLock { $0 } == [10, 20, 5])
        let delay = factory.handlers("rocketmq_messages_in_total", ["message_type": "delay", "protocol_type": "grpc"])
        #expect(delay.first?.total == 1)
    }

    @Test("Retry and dead-letter topics are not counted, as in RocketMQ; empty pulls add nothing")
    func retryAndDeadLetterTopicsAreNotCounted() {
        let factory = RecordingFactory()
        let metrics = BrokerMetrics(factory: factory, clusterName: "C", brokerName: "b")
        metrics.recordIn(topic: "%RETRY%G", type: .normal, protocolType: .remoting, count: 1, bytes: 1, sizes: [1])
        metrics.recordIn(topic: "%DLQ%G", type: .normal, protocolType: .remoting, count: 1, bytes: 1, sizes: [1])
        metrics.recordOut(topic: "%RETRY%G", group: "G", protocolType: .remoting, count: 1, bytes: 1)
        metrics.recordOut(topic: "T", group: "G", protocolType: .remoting, count: 0, bytes: 0)
        #expect(factory.made.withLock { $0.isEmpty })

        metrics.recordOut(topic: "T", group: "G", protocolType: .remoting, count: 4, bytes: 400)
        metrics.recordOut(topic: "T", group: "G", protocolType: .remoting, count: 1, bytes: 100)
        let out = factory.handlers("rocketmq_messages_out_total", ["topic": "T", "consumer_group": "G"])
        #expect(out.count == 1 && out.first?.total == 5)
        #expect(factory.handlers("rocketmq_throughput_out_total", ["consumer_group": "G"]).first?.total == 500)
    }

    @Test("RPC latency is labelled with lower-case request and response code names")
    func rpcLatencyLabels() {
        let factory = RecordingFactory()
        let metrics = BrokerMetrics(factory: factory, clusterName: "C", brokerName: "b")
        metrics.recordRPC(request: RequestCodeNumber.sendMessageV2, response: 0, milliseconds: 1.5)
        metrics.recordRPC(request: RequestCodeNumber.sendMessageV2, response: 0, milliseconds: 2.5)
        let latency = factory.handlers(
            "rocketmq_rpc_latency_milliseconds", ["request_code": "send_message_v2", "response_code": "success"])
        #expect(latency.count == 1 && latency.first?.total == 4)
    }
}

/// Request code numbers (remoting-protocol.md §2).
private enum RequestCodeNumber {
    static let sendMessageV2: Int32 = 310
}
