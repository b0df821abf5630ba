import CometBroker
import CometStore
import Synchronization
import Testing

@Suite("Long polling")
struct PullRequestHoldServiceTests {
    @Test("A held pull returns when a message arrives past its offset")
    func wakesOnArrival() async {
        let holds = PullRequestHoldService()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await holds.waitForMessage(
                    topic: "T", queueId: 1, offset: 5, tagsCodes: nil, deadline: .max, currentMaxOffset: { 5 })
            }
            while holds.heldCount == 0 { await Task.yield() }
            holds.messageArrived(MessageArrival(topic: "T", queueID: 0, maxOffset: 9, tagsCode: 0, storeTimestamp: 0))
            holds.messageArrived(MessageArrival(topic: "T", queueID: 1, maxOffset: 5, tagsCode: 0, storeTimestamp: 0))
            #expect(holds.heldCount == 1)
            holds.messageArrived(MessageArrival(topic: "T", queueID: 1, maxOffset: 6, tagsCode: 0, storeTimestamp: 0))
            await group.waitForAll()
        }
        #expect(holds.heldCount == 0)
    }

    @Test("A message whose tag the subscription does not want leaves the pull held")
    func tagFilter() async {
        let holds = PullRequestHoldService()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await holds.waitForMessage(
                    topic: "T", queueId: 0, offset: 0, tagsCodes: [42], deadline: .max, currentMaxOffset: { 0 })
            }
            while holds.heldCount == 0 { await Task.yield() }
            holds.messageArrived(MessageArrival(topic: "T", queueID: 0, maxOffset: 1, tagsCode: 7, storeTimestamp: 0))
            #expect(holds.heldCount == 1)
            holds.messageArrived(MessageArrival(topic: "T", queueID: 0, maxOffset: 2, tagsCode: 42, storeTimestamp: 0))
            await group.waitForAll()
        }
    }

    @Test("Deadlines, cancellation and shutdown release held pulls")
    func releases() async {
        let holds = PullRequestHoldService()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await holds.waitForMessage(topic: "T", queueId: 0, offset: 0, tagsCodes: nil, deadline: 1000, currentMaxOffset: { 0 })
            }
            while holds.heldCount == 0 { await Task.yield() }
            holds.expire(now: 999)
            #expect(holds.heldCount == 1)
            holds.expire(now: 1000)
            await group.waitForAll()
        }
        let cancelled = Task {
            await holds.waitForMessage(topic: "T", queueId: 0, offset: 0, tagsCodes: nil, deadline: .max, currentMaxOffset: { 0 })
        }
        while holds.heldCount == 0 { await Task.yield() }
        cancelled.cancel()
        await cancelled.value
        #expect(holds.heldCount == 0)

        let held = Task {
            await holds.waitForMessage(topic: "T", queueId: 0, offset: 0, tagsCodes: nil, deadline: .max, currentMaxOffset: { 0 })
        }
        while holds.heldCount == 0 { await Task.yield() }
        holds.shutdown()
        await held.value
        await holds.waitForMessage(topic: "T", queueId: 0, offset: 0, tagsCodes: nil, deadline: .max, currentMaxOffset: { 0 })
    }

    @Test("An arrival that raced the registration is not missed")
    func raceWithArrival() async {
        let holds = PullRequestHoldService()
        await holds.waitForMessage(topic: "T", queueId: 0, offset: 3, tagsCodes: nil, deadline: .max, currentMaxOffset: { 4 })
        #expect(holds.heldCount == 0)
    }
}
