import CometBroker
import CometStore
import CometTestSupport
import Testing

@Suite("Long polling", .timeLimit(.minutes(1)))
struct PullRequestHoldServiceTests {
    @Test("A held pull returns when a message arrives past its offset")
    func wakesOnArrival() async throws {
        let holds = PullRequestHoldService()
        let held = Task {
            await holds.waitForMessage(
                topic: "T", queueId: 1, offset: 5, tagsCodes: nil, deadline: .max, currentMaxOffset: { 5 })
        }
        defer { held.cancel() }
        try await waitUntil { holds.heldCount == 1 }
        holds.messageArrived(MessageArrival(topic: "T", queueID: 0, maxOffset: 9, tagsCode: 0, storeTimestamp: 0))
        holds.messageArrived(MessageArrival(topic: "T", queueID: 1, maxOffset: 5, tagsCode: 0, storeTimestamp: 0))
        #expect(holds.heldCount == 1, "arrivals on another queue or not past the offset leave the pull held")
        holds.messageArrived(MessageArrival(topic: "T", queueID: 1, maxOffset: 6, tagsCode: 0, storeTimestamp: 0))
        #expect(holds.heldCount == 0, "the arrival past the offset releases the pull at once")
        try await withTimeout(.seconds(5)) { await held.value }
    }

    @Test("Closing a connection releases the pulls held for it, and only those")
    func connectionClosedReleases() async {
        let holds = PullRequestHoldService()
        await withTaskGroup(of: UInt64.self) { group in
            for connection in [UInt64(1), 2] {
                group.addTask {
                    await holds.waitForMessage(
                        topic: "T", queueId: 0, offset: 0, tagsCodes: nil, deadline: .max, connectionId: connection,
                        currentMaxOffset: { 0 })
                    return connection
                }
            }
            while holds.heldCount < 2 { await Task.yield() }
            holds.connectionClosed(1)
            #expect(await group.next() == 1)
            #expect(holds.heldCount == 1)
            holds.connectionClosed(2)
            #expect(await group.next() == 2)
        }
        #expect(holds.heldCount == 0)
    }

    @Test("A message whose tag the subscription does not want leaves the pull held")
    func tagFilter() async throws {
        let holds = PullRequestHoldService()
        let held = Task {
            await holds.waitForMessage(
                topic: "T", queueId: 0, offset: 0, tagsCodes: [42], deadline: .max, currentMaxOffset: { 0 })
        }
        defer { held.cancel() }
        try await waitUntil { holds.heldCount == 1 }
        holds.messageArrived(MessageArrival(topic: "T", queueID: 0, maxOffset: 1, tagsCode: 7, storeTimestamp: 0))
        #expect(holds.heldCount == 1)
        holds.messageArrived(MessageArrival(topic: "T", queueID: 0, maxOffset: 2, tagsCode: 42, storeTimestamp: 0))
        #expect(holds.heldCount == 0)
        try await withTimeout(.seconds(5)) { await held.value }
    }

    @Test("Deadlines, cancellation and shutdown release held pulls")
    func releases() async throws {
        let holds = PullRequestHoldService()
        let expiring = Task {
            await holds.waitForMessage(
                topic: "T", queueId: 0, offset: 0, tagsCodes: nil, deadline: 1000, currentMaxOffset: { 0 })
        }
        try await waitUntil { holds.heldCount == 1 }
        holds.expire(now: 999)
        #expect(holds.heldCount == 1)
        holds.expire(now: 1000)
        #expect(holds.heldCount == 0)
        try await withTimeout(.seconds(5)) { await expiring.value }

        let cancelled = Task {
            await holds.waitForMessage(
                topic: "T", queueId: 0, offset: 0, tagsCodes: nil, deadline: .max, currentMaxOffset: { 0 })
        }
        try await waitUntil { holds.heldCount == 1 }
        cancelled.cancel()
        try await withTimeout(.seconds(5)) { await cancelled.value }
        #expect(holds.heldCount == 0)

        let held = Task {
            await holds.waitForMessage(
                topic: "T", queueId: 0, offset: 0, tagsCodes: nil, deadline: .max, currentMaxOffset: { 0 })
        }
        defer { held.cancel() }
        try await waitUntil { holds.heldCount == 1 }
        holds.shutdown()
        try await withTimeout(.seconds(5)) { await held.value }
        // After shutdown nothing is held any more: a new pull returns at once.
        try await withTimeout(.seconds(5)) {
            await holds.waitForMessage(
                topic: "T", queueId: 0, offset: 0, tagsCodes: nil, deadline: .max, currentMaxOffset: { 0 })
        }
        #expect(holds.heldCount == 0)
    }

    @Test("An arrival that raced the registration is not missed")
    func raceWithArrival() async throws {
        let holds = PullRequestHoldService()
        try await withTimeout(.seconds(5)) {
            await holds.waitForMessage(
                topic: "T", queueId: 0, offset: 3, tagsCodes: nil, deadline: .max, currentMaxOffset: { 4 })
        }
        #expect(holds.heldCount == 0)
    }
}
