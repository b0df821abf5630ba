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
        // Up to 2,048 records of up to maxMessageSize each could make an answer no client accepts
        // (and, past 4 GiB, no frame can carry): stop adding records where the frame would exceed
        // the frame limit. The newest records come first, so those are the ones answered.
        let bodyLimit = Self.queryBodyLimit(maxFrameLength: controller.configuration.maxFrameLength)
        var slices: [StoredMessageSlice] = []
        var bodyBytes = 0
        for message in messages {
            guard let slice = store.lookMessageSlice(commitLogOffset: message.physicalOffset) else { continue }
            guard slices.isEmpty || bodyBytes + slice.size <= bodyLimit else { break }
            slices.append(slice)
            bodyBytes += slice.size
        }
        guard !slices.isEmpty else {
            return .response(
                to: request, code: .queryNotFound, remark: "can not find message, maybe time range not correct",
                header: responseHeader)
        }
        var body = connection.channel.allocator.buffer(capacity: slices.reduce(0) { $0 + $1.size })
        for slice in slices { slice.write(into: &body) }
        return .response(to: request, header: responseHeader, body: body)
    }

    /// Largest QUERY_MESSAGE body: the frame limit less room for the header. A single record over
    /// it is still answered alone (the encoder refuses it with an error if it cannot be framed).
    static func queryBodyLimit(maxFrameLength: Int) -> Int {
        max(0, maxFrameLength - 64 * 1024)
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
