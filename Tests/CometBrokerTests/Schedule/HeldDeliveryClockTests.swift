import CometBroker
import CometCore
import CometProtocol
import CometStore
import CometTestSupport
import InMemoryLogging
import NIOCore
import Testing

/// The delay-level and timer loops on a virtual clock: they sleep until the next message is due
/// (woken by the store when one arrives) and deliver exactly when the clock reaches it.
@Suite("Delay and timer delivery on an injected clock", .timeLimit(.minutes(1)))
struct HeldDeliveryClockTests {
    /// Runs `body` with a processor whose broker and store read `clock`, and whose store rings
    /// the held-message signals as the broker's does.
    private func withBroker(
        _ clock: ManualWallClock,
        _ body: (BrokerProcessor, MessageStore) async throws -> Void
    ) async throws {
        try await TemporaryDirectory.with(prefix: "comet-held") { folder in
            var configuration = BrokerConfiguration(dataDirectory: folder.path)
            configuration.messageDelayLevel = "1s 5s"
            configuration.store.commitLogSegmentSize = 8 << 20
            configuration.store.indexHashSlots = 1024
            configuration.store.indexMaxEntries = 4096
            configuration.store.clock = { clock.nowMillis }
            let controller = try BrokerController(
                configuration: configuration, clock: clock.wallClock, logger: InMemoryLogHandler().logger())
            let signals = controller.heldMessages
            let store = try await MessageStore.open(
                configuration: configuration.store, onMessageArrived: { signals.messageArrived(topic: $0.topic) })
            controller.didOpen(store: store, address: "127.0.0.1:10911")
            do {
                try await body(BrokerProcessor(controller: controller), store)
            } catch {
                await store.shutdown()
                throw error
            }
            await store.shutdown()
        }
    }

    private func send(_ processor: BrokerProcessor, topic: String, properties: [String: String]) async throws {
        let request = RemotingCommand.request(
            .sendMessage,
            header: SendMessageRequestHeader(
                producerGroup: "P", topic: topic, queueId: 0, bornTimestamp: 1_700_000_000_000,
                properties: MessageProperties.encode(properties.merging(["WAIT": "true"]) { a, _ in a })),
            body: ByteBuffer(string: "held"))
        let peer = try await TestConnection()
        let response = try #require(try await processor.process(request, connection: peer.connection))
        #expect(response.responseCode == .success, "\(response.remark ?? "")")
    }

    @Test("A level-2 (5 s) message is delivered when the clock reaches its time, not a millisecond before")
    func delayLevel() async throws {
        let clock = ManualWallClock()
        try await withBroker(clock) { processor, store in
            let schedule = try ScheduleMessageService(controller: processor.controller, store: store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await schedule.run() }
                // Idle: nothing pending, so the loop waits for an arrival without a deadline.
                try await waitUntil { clock.sleeperCount == 0 }
                let sent = clock.nowMillis
                try await send(processor, topic: "Later", properties: ["DELAY": "2"])
                try await waitUntil { clock.nextDeadline == sent + 5_000 }
                clock.advance(by: .milliseconds(4_999))
                #expect(clock.nextDeadline == sent + 5_000)
                #expect(store.maxOffset(topic: "Later", queueID: 0) == 0)
                clock.advance(by: .milliseconds(1))
                try await waitUntil { store.maxOffset(topic: "Later", queueID: 0) == 1 }
                // Delivered and nothing else pending: no further wake-up is scheduled.
                try await waitUntil { clock.sleeperCount == 0 && schedule.offset(level: 2) == 1 }
                group.cancelAll()
            }
        }
    }

    @Test("A deliver-at message fires at its time; an idle wheel schedules no wake-up")
    func deliverAt() async throws {
        let clock = ManualWallClock()
        try await withBroker(clock) { processor, store in
            let timer = try TimerMessageService(controller: processor.controller, store: store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await timer.run() }
                let due = clock.nowMillis + 3_000
                try await send(processor, topic: "At", properties: ["TIMER_DELIVER_MS": "\(due)"])
                try await waitUntil { timer.pendingCount == 1 && clock.nextDeadline == due }
                clock.advance(by: .milliseconds(2_999))
                #expect(clock.nextDeadline == due)
                #expect(store.maxOffset(topic: "At", queueID: 0) == 0)
                clock.advance(by: .milliseconds(1))
                try await waitUntil { store.maxOffset(topic: "At", queueID: 0) == 1 }
                try await waitUntil { timer.pendingCount == 0 && timer.nextWake == nil && clock.sleeperCount == 0 }
                group.cancelAll()
            }
        }
    }
}
