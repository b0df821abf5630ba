import Testing

@testable import CometClient

@Suite("Client internals", .timeLimit(.minutes(3)))
struct ClientUnitTests {
    @Test(
        "Average allocation matches RocketMQ's split",
        arguments: [
            (8, 2, [[0, 1, 2, 3], [4, 5, 6, 7]]),
            (8, 3, [[0, 1, 2], [3, 4, 5], [6, 7]]),
            (3, 4, [[0], [1], [2], []]),
            (5, 2, [[0, 1, 2], [3, 4]]),
        ])
    func allocation(queues: Int, clients: Int, expected: [[Int]]) {
        let ids = (0..<clients).map { "c\($0)" }
        for (index, id) in ids.enumerated() {
            #expect(AllocateAveragely.allocate(queues: Array(0..<queues), clientIds: ids, me: id) == expected[index])
        }
        #expect(AllocateAveragely.allocate(queues: Array(0..<queues), clientIds: ids, me: "stranger").isEmpty)
    }

    @Test("Message ids are 32 uppercase hex digits and unique")
    func messageIds() {
        let generator = MessageIDGenerator(ip: "10.1.2.3")
        let ids = (0..<1000).map { _ in generator.next(nowMillis: 1_700_000_000_000) }
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy { "0123456789ABCDEF".contains($0) } })
        #expect(ids[0].hasPrefix("0A010203"))
    }

    @Test("namesrvAddr lists parse like RocketMQ's")
    func namesrvAddr() {
        #expect(
            ClientConfiguration(namesrvAddr: " 10.0.0.1:9876 ; 10.0.0.2:9876;").nameServers == [
                "10.0.0.1:9876", "10.0.0.2:9876",
            ])
    }
}
