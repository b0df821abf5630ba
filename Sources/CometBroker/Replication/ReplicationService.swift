package import CometCore
package import CometStore
package import Logging
package import NIOCore
import Synchronization

/// A broker's part in master/slave replication: its role (``ReplicationRoleState``), the HA port
/// every broker listens on (a master streams its log to slaves there), the HA client a slave
/// copies its master's log with, and the slaves a master has (``ReplicaTracker``).
package final class ReplicationService: Sendable {
    private let settings: ReplicationSettings
    private let logger: Logger
    private let group: any EventLoopGroup
    private let roleState: Mutex<ReplicationRoleState>
    /// The slaves connected to this broker's HA port and the SYNC_MASTER waiters.
    package let tracker = ReplicaTracker(transfers: GroupTransfer())
    private let running = Mutex<(store: MessageStore, client: HAClient?, task: Task<Void, Never>?)?>(nil)
    private let haAddress = Latch<String>()
    private let promotions = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    package init(configuration: BrokerConfiguration, logger: Logger, group: any EventLoopGroup) {
        settings = configuration.replication
        self.logger = logger
        self.group = group
        roleState = Mutex(
            ReplicationRoleState(
                role: configuration.role, brokerId: configuration.brokerId,
                haMasterAddress: configuration.replication.haMasterAddress))
    }

    /// The role now in force.
    package var role: BrokerRole { roleState.withLock { $0.role } }

    /// The broker id to register with (0 once a master).
    package var brokerId: Int64 { roleState.withLock { $0.brokerId } }

    /// The master's remoting address, as the name server last told this slave.
    package var masterAddress: String? { roleState.withLock { $0.masterAddress } }

    /// The master's HA address this slave copies from, if known.
    package var haMasterAddress: String? { roleState.withLock { $0.haMasterAddress } }

    /// The HA address advertised to name servers (`brokerIP2:haListenPort`), once bound.
    package func advertisedHAAddress() async throws -> String { try await haAddress.wait() }

    /// The slave's HA connection, if this broker is a slave.
    var clientStatus: HAClient.Status? { running.withLock { $0?.client?.status } }

    /// Serves the HA port until cancelled, and (as a slave) copies the master's log. `host` is the
    /// host advertised for the HA port when `brokerIP2` is unset.
    package func run(store: MessageStore, listenHost: String, listenPort: Int, advertisedHost: String) async throws {
        let tracker = self.tracker
        store.setAppendObserver { _ in
            if tracker.hasSlaves { tracker.wakeAll() }
        }
        running.withLock { $0 = (store, nil, nil) }
        if role == .slave { startClient() }
        let server = HAServer(store: store, tracker: tracker, settings: settings, logger: logger, group: group)
        let host = settings.haAdvertisedHost ?? advertisedHost
        let haAddress = self.haAddress
        do {
            try await server.run(host: listenHost, port: settings.haPort(listenPort: listenPort)) { address in
                haAddress.succeed("\(host):\(address.port ?? 0)")
            }
        } catch {
            haAddress.fail(error)
            // Shutdown cancels the accept loop: that is the normal end, not a failure.
            if error is CancellationError || Task.isCancelled { return }
            throw CometError(.io, "cannot listen on the HA port: \(error)", cause: error)
        }
    }

    /// Replication figures for GET_BROKER_RUNTIME_INFO (Comet's keys, next to RocketMQ's):
    /// `brokerRole`; on a master `haSlaveCount`, `slaveFallBehindMuch` (bytes the most advanced slave
    /// lacks, as upstream logs it) and `haSlaves` (`address:acknowledged offset`, comma-separated);
    /// on a slave `haMasterAddress`, `haConnected` and `haReportedOffset`.
    package func runtimeInfo(logEnd: Int64) -> [String: String] {
        var table = ["brokerRole": role.rawValue]
        if role.isMaster {
            let slaves = tracker.slaves.sorted { $0.remoteAddress < $1.remoteAddress }
            table["haSlaveCount"] = "\(slaves.count)"
            table["slaveFallBehindMuch"] = slaves.isEmpty ? "-1" : "\(logEnd - tracker.pushedMaxOffset)"
            table["haSlaves"] = slaves.map { "\($0.remoteAddress):\($0.ackOffset)" }.joined(separator: ",")
        } else {
            let status = clientStatus
            table["haMasterAddress"] = haMasterAddress ?? ""
            table["haConnected"] = "\(status?.connected ?? false)"
            table["haReportedOffset"] = "\(status?.reportedOffset ?? 0)"
        }
        return table
    }

    /// What SYNC_MASTER's group transfer concluded for a send.
    package enum TransferStatus: Sendable, Hashable {
        /// Not waited for (ASYNC_MASTER, WAIT=false) or a slave holds it.
        case ok
        /// No slave acknowledged it within `slaveTimeout` (→ FLUSH_SLAVE_TIMEOUT; it is stored).
        case flushSlaveTimeout
        /// No slave connected, or none within `haSlaveFallbehindMax` (→ SLAVE_NOT_AVAILABLE; it is stored).
        case slaveNotAvailable
    }

    /// Calls `completion` once records ending at `end` are replicated as this broker's role demands
    /// (upstream `CommitLog.submitReplicaRequest`): at once unless SYNC_MASTER and `wait`; then when
    /// a slave's acknowledgement covers `end`, or after `slaveTimeout` (a timer on `eventLoop`).
    package func whenReplicated(
        end: Int64, wait: Bool, on eventLoop: any EventLoop,
        _ completion: @escaping @Sendable (TransferStatus) -> Void
    ) {
        guard wait, role == .syncMaster else {
            completion(.ok)
            return
        }
        guard tracker.isSlaveOK(end: end, fallBehindMax: settings.slaveFallbehindMax) else {
            completion(.slaveNotAvailable)
            return
        }
        tracker.transfers.wait(end: end, timeout: settings.slaveTimeout, on: eventLoop) { acknowledged in
            completion(acknowledged ? .ok : .flushSlaveTimeout)
        }
    }

    /// ``whenReplicated(end:wait:on:_:)`` for callers in a task.
    package func waitReplicated(end: Int64, wait: Bool, on eventLoop: any EventLoop) async -> TransferStatus {
        guard wait, role == .syncMaster else { return .ok }
        return await withCheckedContinuation { continuation in
            whenReplicated(end: end, wait: wait, on: eventLoop) { continuation.resume(returning: $0) }
        }
    }

    /// Stops the HA client (shutdown).
    package func stop() {
        let task = running.withLock { state -> Task<Void, Never>? in
            defer { state?.task = nil }
            return state?.task
        }
        task?.cancel()
        running.withLock { $0?.store.setAppendObserver(nil) }
        promotions.continuation.finish()
    }

    /// A REGISTER_BROKER answer's `masterAddr` / `haServerAddr`.
    package func registered(masterAddress: String?, haServerAddress: String?) {
        let effect = roleState.withLock {
            $0.registered(masterAddress: masterAddress, haServerAddress: haServerAddress)
        }
        if case .followMaster(let address) = effect {
            logger.info("slave follows the master's HA address", metadata: ["ha.master": "\(address)"])
            restartClient()
        }
    }

    /// Turns this slave into its group's master: stops copying, accepts sends, registers as id 0
    /// (the caller re-registers), and wakes ``waitForPromotion()``. Nothing the slave holds is cut.
    package func promote(to newRole: BrokerRole) throws(CometError) {
        let effect = try roleState.withLock { state throws(CometError) in try state.promote(to: newRole) }
        guard effect == .becomeMaster else { return }
        let (store, task) = running.withLock { state -> (MessageStore?, Task<Void, Never>?) in
            defer {
                state?.task = nil
                state?.client = nil
            }
            return (state?.store, state?.task)
        }
        task?.cancel()
        store?.isReplica = false
        promotions.continuation.yield()
        promotions.continuation.finish()
        logger.notice(
            "promoted to master",
            metadata: ["ha.role": "\(role.rawValue)", "ha.end": "\(store?.commitLogMaxOffset ?? 0)"])
    }

    /// Returns true once this broker has been promoted, false if it stops first.
    package func waitForPromotion() async -> Bool {
        for await _ in promotions.stream { return true }
        return false
    }

    private func startClient() {
        running.withLock { state in
            guard let store = state?.store, state?.task == nil else { return }
            let client = HAClient(store: store, settings: settings, logger: logger, group: group) { [self] in
                self.roleState.withLock { $0.role == .slave ? $0.haMasterAddress : nil }
            }
            store.isReplica = true
            state?.client = client
            state?.task = Task { await client.run() }
        }
    }

    private func restartClient() {
        let task = running.withLock { state -> Task<Void, Never>? in
            defer {
                state?.task = nil
                state?.client = nil
            }
            return state?.task
        }
        task?.cancel()
        if role == .slave { startClient() }
    }
}
