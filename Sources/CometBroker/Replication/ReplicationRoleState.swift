package import CometCore

/// The replication role of a broker and where its master is, as a plain state machine: no
/// sockets, no timers. ``ReplicationService`` feeds it events (configuration, name-server
/// answers, an operator's promote) and acts on what it returns, so a future controller can drive
/// the same transitions.
package struct ReplicationRoleState: Sendable, Hashable {
    /// The role now in force.
    package private(set) var role: BrokerRole
    /// The broker id registered with name servers (0 for a master).
    package private(set) var brokerId: Int64
    /// The master's remoting address (`ip:port`), for metadata sync; slaves only.
    package private(set) var masterAddress: String?
    /// The master's HA address; slaves only.
    package private(set) var haMasterAddress: String?
    /// Set when `haMasterAddress` came from the configuration: name-server answers never change it
    /// (upstream uses a configured address of ≥ 6 characters and ignores `haServerAddr`).
    private let haMasterFixed: Bool

    /// What a transition asks the service to do.
    package enum Effect: Sendable, Hashable {
        /// Nothing changed.
        case none
        /// (Re)connect the HA client to the master's new address.
        case followMaster(haAddress: String)
        /// Stop replicating, accept sends, register as id 0, start serving slaves.
        case becomeMaster
    }

    /// The state at start-up.
    package init(role: BrokerRole, brokerId: Int64, haMasterAddress: String?) {
        self.role = role
        self.brokerId = role.isMaster ? 0 : brokerId
        let fixed = haMasterAddress.map { $0.count >= 6 } ?? false
        self.haMasterAddress = fixed ? haMasterAddress : nil
        haMasterFixed = fixed
    }

    /// A REGISTER_BROKER answer: a slave learns its master's addresses (name servers fill them only
    /// while the group's master is registered and live).
    package mutating func registered(masterAddress: String?, haServerAddress: String?) -> Effect {
        guard role == .slave else { return .none }
        if let masterAddress, !masterAddress.isEmpty { self.masterAddress = masterAddress }
        guard !haMasterFixed, let haServerAddress, !haServerAddress.isEmpty, haServerAddress != haMasterAddress else {
            return .none
        }
        haMasterAddress = haServerAddress
        return .followMaster(haAddress: haServerAddress)
    }

    /// An operator's (or controller's) promote: a slave becomes its group's master with `newRole`.
    package mutating func promote(to newRole: BrokerRole) throws(CometError) -> Effect {
        guard role == .slave else {
            throw CometError(.invalidArgument, "this broker is already the master of its group (\(role.rawValue))")
        }
        guard newRole.isMaster else { throw CometError(.invalidArgument, "promote needs ASYNC_MASTER or SYNC_MASTER") }
        role = newRole
        brokerId = 0
        masterAddress = nil
        haMasterAddress = nil
        return .becomeMaster
    }
}
