import CometCore
import CometProtocol
import CometRemoting
import CometStore
import NIOCore

extension BrokerProcessor {
    /// Most messages one QUERY_MESSAGE answers (upstream `defaultQueryMaxNum`; also what a
    /// unique-key query always uses).
    static let defaultQueryMaxNum: Int32 = 32

    /// QUERY_MESSAGE (RocketMQ `QueryMessageProcessor#queryMessage`): the stored records of a topic
    /// whose key (or, with `_UNIQUE_KEY_QUERY`=`true`, unique key) matches, newest first,
    /// concatenated as stored; QUERY_NOT_FOUND when there is none.
    func queryMessage(
        _ request: RemotingCommand, connection: RemotingConnection, store: MessageStore
    ) async throws
        -> RemotingCommand
    {
        var header = try request.decodeHeader(QueryMessageRequestHeader.self)
        let byUniqueKey = request.extFields[QueryMessageRequestHeader.uniqueKeyQueryFlag]?.lowercased() == "true"
        if byUniqueKey { header.maxNum = Self.defaultQueryMaxNum }
        let maxCount = Int(min(max(header.maxNum, 0), 64 * Self.defaultQueryMaxNum))
        let messages: [StoredMessage]
        do {
            if byUniqueKey {
                messages = try await store.queryMessages(
                    topic: header.topic, uniqueKey: header.key, maxCount: maxCount, begin: header.beginTimestamp,
                    end: header.endTimestamp)
            } else {
                messages = try await store.queryMessages(
                    topic: header.topic, key: header.key, maxCount: maxCount, begin: header.beginTimestamp,
                    end: header.endTimestamp)
            }
        } catch {
            return .response(to: request, code: Self.responseCode(for: error), remark: error.message)
        }
        let responseHeader = QueryMessageResponseHeader(
            indexLastUpdateTimestamp: controller.clock.nowMillis(), indexLastUpdatePhyoffset: store.commitLogMaxOffset)
        let slices = messages.compactMap { store.lookMessageSlice(commitLogOffset: $0.physicalOffset) }
        guard !slices.isEmpty else {
            return .response(
                to: request, code: .queryNotFound, remark: "can not find message, maybe time range not correct",
                header: responseHeader)
        }
        var body = connection.channel.allocator.buffer(capacity: slices.reduce(0) { $0 + $1.size })
        for slice in slices { slice.write(into: &body) }
        return .response(to: request, header: responseHeader, body: body)
    }

    /// VIEW_MESSAGE_BY_ID (RocketMQ `QueryMessageProcessor#viewMessageById`): the stored record at
    /// a commit-log offset, as stored; SYSTEM_ERROR when no record starts there.
    func viewMessageById(
        _ request: RemotingCommand, connection: RemotingConnection, store: MessageStore
    ) throws
        -> RemotingCommand
    {
        let header = try request.decodeHeader(ViewMessageRequestHeader.self)
        guard let slice = store.lookMessageSlice(commitLogOffset: header.offset),
            slice.withUnsafeBytes({ raw in
                (try? StoredMessageHeader.parse(raw, verifyCRC: false))?.physicalOffset == header.offset
            })
        else {
            return .response(
                to: request, code: .systemError, remark: "can not find message by the offset, \(header.offset)")
        }
        var body = connection.channel.allocator.buffer(capacity: slice.size)
        slice.write(into: &body)
        return .response(to: request, body: body)
    }
}
