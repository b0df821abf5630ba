import CometCore
import CometProtocol
import CometRemoting
import Logging

/// A slave's copy of its master's metadata (upstream `SlaveSynchronize`): 3 s after start and then
/// every 10 s, topics, consumer offsets, delay-level offsets and subscription groups, each with
/// its admin request and a 3 s timeout. Topic configs are asked from the master's VIP port
/// (listen port − 2) as upstream does, falling back to its main port when nothing listens there.
struct SlaveSynchronizer: Sendable {
    let controller: BrokerController
    let client: RemotingClient

    /// Synchronizes until cancelled, while this broker is a slave with a known master.
    func run(firstDelay: Duration = .seconds(3), interval: Duration = .seconds(10)) async {
        try? await Task.sleep(for: firstDelay)
        while !Task.isCancelled {
            let replication = controller.replication
            if replication.role == .slave, let master = replication.masterAddress, master != controller.address {
                await synchronize(from: master)
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// One round; each step's failure is logged and the next step still runs.
    func synchronize(from master: String) async {
        await step("topic configs") {
            let response = try await invokeVIPFirst(.request(.getAllTopicConfig), master: master)
            let wrapper = try TopicConfigSerializeWrapper(body: response.body)
            if try controller.topics.replaceAll(with: wrapper) {
                controller.logger.info("slave copied the master's topics", metadata: ["ha.master": "\(master)"])
            }
        }
        await step("consumer offsets") {
            let response = try await invoke(.request(.getAllConsumerOffset), to: master)
            let wrapper = try ConsumerOffsetSerializeWrapper(body: response.body)
            controller.offsets.putAll(wrapper.offsetTable.mapValues(\.entries))
        }
        await step("delay offsets") {
            let response = try await invoke(.request(.getAllDelayOffset), to: master)
            let wrapper = try DelayOffsetSerializeWrapper(body: response.body)
            var table: [String: JSONValue] = [:]
            for (level, offset) in wrapper.offsetTable.entries { table[String(level)] = .number(String(offset)) }
            try JSONFile.write(
                .object(["offsetTable": .object(table)]),
                to: controller.configuration.configDirectory + "/delayOffset.json")
        }
        await step("subscription groups") {
            let response = try await invoke(.request(.getAllSubscriptionGroupConfig), to: master)
            _ = try controller.groups.replaceAll(with: try SubscriptionGroupWrapper(body: response.body))
        }
    }

    private func step(_ name: String, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            controller.logger.warning(
                "slave could not copy the master's \(name): \(error)",
                metadata: ["ha.master": "\(controller.replication.masterAddress ?? "-")"])
        }
    }

    private func invoke(_ request: RemotingCommand, to address: String) async throws -> RemotingCommand {
        let response = try await client.invoke(request, to: address, timeout: .seconds(3))
        guard response.responseCode == .success else {
            throw CometError(.remoteError, "code \(response.responseCode): \(response.remark ?? "")")
        }
        return response
    }

    private func invokeVIPFirst(_ request: RemotingCommand, master: String) async throws -> RemotingCommand {
        if let target = try? HostAndPort(parsing: master), target.port > 2 {
            let vip = HostAndPort(host: target.host, port: target.port - 2).description
            if let response = try? await invoke(request, to: vip) { return response }
        }
        return try await invoke(request, to: master)
    }
}
