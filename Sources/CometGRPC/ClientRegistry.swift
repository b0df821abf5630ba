import CometGRPCStubs
import Synchronization

/// The v5 clients that have a Telemetry stream open: their settings (type, group, published topics,
/// FIFO) and a way to push commands to them (orphaned-transaction checks).
final class ClientRegistry: Sendable {
    /// One open Telemetry stream.
    struct Client: Sendable {
        var clientID: String
        var settings: Apache_Rocketmq_V2_Settings
        var outbound: AsyncStream<Apache_Rocketmq_V2_TelemetryCommand>.Continuation
    }

    private let clients = Mutex<[UInt64: Client]>([:])
    private let nextID = Atomic<UInt64>(0)

    /// Registers a stream; returns its id.
    func open(clientID: String, outbound: AsyncStream<Apache_Rocketmq_V2_TelemetryCommand>.Continuation) -> UInt64 {
        let id = nextID.add(1, ordering: .relaxed).newValue
        clients.withLock { $0[id] = Client(clientID: clientID, settings: .init(), outbound: outbound) }
        return id
    }

    /// Records the settings a stream's client reported.
    func update(_ id: UInt64, settings: Apache_Rocketmq_V2_Settings) {
        clients.withLock { $0[id]?.settings = settings }
    }

    /// Forgets a closed stream.
    func close(_ id: UInt64) {
        clients.withLock { $0.removeValue(forKey: id) }?.outbound.finish()
    }

    /// Settings last reported by any stream of `clientID`.
    func settings(clientID: String) -> Apache_Rocketmq_V2_Settings? {
        clients.withLock { $0.values.first { $0.clientID == clientID }?.settings }
    }

    /// Producers whose settings publish `topic`, for orphaned-transaction checks.
    func producers(publishing topic: String) -> [Client] {
        clients.withLock { clients in
            clients.values.filter { client in
                guard case .publishing(let publishing) = client.settings.pubSub else { return false }
                return publishing.topics.contains { $0.name == topic }
            }
        }
    }

    /// Whether the group's consumers asked for FIFO delivery in their settings.
    func isFIFO(group: String) -> Bool? {
        clients.withLock { clients in
            for client in clients.values {
                guard case .subscription(let subscription) = client.settings.pubSub, subscription.group.name == group
                else { continue }
                if subscription.hasFifo { return subscription.fifo }
            }
            return nil
        }
    }

    /// Number of open streams.
    var count: Int { clients.withLock { $0.count } }
}
