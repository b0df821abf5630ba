import CometCore
package import CometStore

extension MessageStore {
    /// Reads a queue like ``getMessages(topic:queueID:offset:maxCount:maxBytes:tagsCodes:)`` but
    /// keeps only records whose properties match `filter`, reading on until `maxCount` matches, the
    /// end of the queue or `maxRounds` reads. `nextBeginOffset` moves past skipped records; when
    /// records were read but none matched, the status is `.noMatchedMessage` (the client pulls
    /// again at once from the returned offset), as upstream's store answers.
    package func getMessages(
        topic: String, queueID: Int32, offset: Int64, maxCount: Int, filter: SQLFilter, maxRounds: Int = 16
    ) async throws(StoreError) -> GetMessageResult {
        var combined = try await getMessages(topic: topic, queueID: queueID, offset: offset, maxCount: maxCount)
        guard combined.status == .found else { return combined }
        combined.messages = combined.messages.filter { slice in slice.withUnsafeBytes { filter.matches(record: $0) } }
        var rounds = 1
        while combined.messages.count < maxCount, combined.nextBeginOffset < combined.maxOffset, rounds < maxRounds {
            rounds += 1
            let more = try await getMessages(
                topic: topic, queueID: queueID, offset: combined.nextBeginOffset,
                maxCount: maxCount - combined.messages.count)
            guard more.status == .found else { break }
            combined.messages += more.messages.filter { slice in slice.withUnsafeBytes { filter.matches(record: $0) } }
            combined.nextBeginOffset = more.nextBeginOffset
            combined.maxOffset = more.maxOffset
            combined.minOffset = more.minOffset
            combined.suggestPullingFromSlave = more.suggestPullingFromSlave
        }
        if combined.messages.count > maxCount {
            combined.messages.removeLast(combined.messages.count - maxCount)
            combined.nextBeginOffset = combined.messages[maxCount - 1].queueOffset + 1
        }
        if combined.messages.isEmpty { combined.status = .noMatchedMessage }
        return combined
    }
}
