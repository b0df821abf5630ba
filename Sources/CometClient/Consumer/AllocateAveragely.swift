/// RocketMQ's default queue allocation (`AllocateMessageQueueAveragely`): sorted queues are cut
/// into contiguous blocks, one per sorted client id; the first `queues mod clients` clients get
/// one extra. Every client computes the same split independently.
enum AllocateAveragely {
    static func allocate<Queue>(queues: [Queue], clientIds: [String], me: String) -> [Queue] {
        guard !queues.isEmpty, let index = clientIds.firstIndex(of: me) else { return [] }
        let count = queues.count
        let clients = clientIds.count
        let mod = count % clients
        let averageSize = count <= clients ? 1 : (mod > 0 && index < mod ? count / clients + 1 : count / clients)
        let start = mod > 0 && index < mod ? index * averageSize : index * averageSize + mod
        let range = min(averageSize, count - start)
        guard range > 0 else { return [] }
        return (0..<range).map { queues[(start + $0) % count] }
    }
}
