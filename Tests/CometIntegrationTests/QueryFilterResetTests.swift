import CometBroker
import CometCore
import CometProtocol
import CometRemoting
import CometTestSupport
import Foundation
import Logging
import NIOCore
import Synchronization
import Testing

private func sqlPull(topic: String, offset: Int64, expression: String, maxMsgNums: Int32 = 32) -> RemotingCommand {
    .request(
        .pullMessage,
        header: PullMessageRequestHeader(
            consumerGroup: "CG", topic: topic, queueId: 0, queueOffset: offset, maxMsgNums: maxMsgNums,
            sysFlag: [.subscription], subscription: expression, expressionType: "SQL92"))
}

private func heartbeat(group: String, topic: String, expression: String, type: String) -> RemotingCommand {
    let data = HeartbeatData(
        clientID: "client-1",
        consumers: [
            ConsumerData(
                groupName: group, consumeType: .consumePassively, messageModel: .clustering,
                consumeFromWhere: .lastOffset,
                subscriptions: [SubscriptionData(topic: topic, subString: expression, expressionType: type)])
        ])
    return .request(.heartBeat, body: data.encoded())
}

@Suite("Query, SQL92 filter and offset reset over TCP", .timeLimit(.minutes(3)))
struct QueryFilterResetTests {
    @Test("A SQL92 pull returns exactly the matching messages and moves past the others")
    func sql92Pull() async throws {
        try await withBroker { _, broker, client in
            for i in 0..<20 {
                let color = i % 3 == 0 ? "red" : "blue"
                let response = try await client.invoke(
                    sendRequest(topic: "Sql", body: "m\(i)", extraProperties: ["n": "\(i)", "color": color]),
                    to: broker,
                    timeout: .seconds(5))
                #expect(response.responseCode == .success)
            }
            let expression = "n >= 5 AND color = 'red' OR n IN ('1', '2')"
            let pulled = try await client.invoke(
                sqlPull(topic: "Sql", offset: 0, expression: expression), to: broker, timeout: .seconds(5))
            #expect(pulled.responseCode == .success, "\(pulled.remark ?? "")")
            let bodies = try decodeMessages(pulled.body).map { String(buffer: $0.body) }
            #expect(bodies == ["m1", "m2", "m6", "m9", "m12", "m15", "m18"])
            #expect(try pulled.decodeHeader(PullMessageResponseHeader.self).nextBeginOffset == 20)

            // A small batch stops right after its last match.
            let first = try await client.invoke(
                sqlPull(topic: "Sql", offset: 0, expression: expression, maxMsgNums: 2), to: broker,
                timeout: .seconds(5))
            #expect(try decodeMessages(first.body).map { String(buffer: $0.body) } == ["m1", "m2"])
            #expect(try first.decodeHeader(PullMessageResponseHeader.self).nextBeginOffset == 3)

            // Nothing matches: the client is told to pull again from past the skipped records.
            let none = try await client.invoke(
                sqlPull(topic: "Sql", offset: 0, expression: "color = 'green'"), to: broker, timeout: .seconds(5))
            #expect(none.responseCode == .pullRetryImmediately)
            #expect(try none.decodeHeader(PullMessageResponseHeader.self).nextBeginOffset == 20)
        }
    }

    @Test("A heartbeat subscription with SQL92 filters pulls that carry no subscription of their own")
    func sql92FromHeartbeat() async throws {
        try await withBroker { _, broker, client in
            for i in 0..<6 {
                _ = try await client.invoke(
                    sendRequest(topic: "SqlHb", body: "m\(i)", extraProperties: ["n": "\(i)"]), to: broker,
                    timeout: .seconds(5))
            }
            let hb = try await client.invoke(
                heartbeat(group: "CG", topic: "SqlHb", expression: "n > 3", type: "SQL92"), to: broker,
                timeout: .seconds(5))
            #expect(hb.responseCode == .success, "\(hb.remark ?? "")")
            let pull = RemotingCommand.request(
                .pullMessage,
                header: PullMessageRequestHeader(consumerGroup: "CG", topic: "SqlHb", queueId: 0, queueOffset: 0))
            let pulled = try await client.invoke(pull, to: broker, timeout: .seconds(5))
            #expect(try decodeMessages(pulled.body).map { String(buffer: $0.body) } == ["m4", "m5"])
        }
    }

    @Test("Malformed SQL92 is rejected with SUBSCRIPTION_PARSE_FAILED naming the position, by pull and heartbeat")
    func malformedSQL() async throws {
        try await withBroker { _, broker, client in
            _ = try await client.invoke(sendRequest(topic: "SqlBad", body: "m"), to: broker, timeout: .seconds(5))
            let pulled = try await client.invoke(
                sqlPull(topic: "SqlBad", offset: 0, expression: "a > AND b"), to: broker, timeout: .seconds(5))
            #expect(pulled.responseCode == .subscriptionParseFailed)
            #expect(pulled.remark?.contains("position 5") == true, "\(pulled.remark ?? "")")
            let hb = try await client.invoke(
                heartbeat(group: "CG2", topic: "SqlBad", expression: "a IN (1)", type: "SQL92"), to: broker,
                timeout: .seconds(5))
            #expect(hb.responseCode == .subscriptionParseFailed)
            #expect(hb.remark?.contains("position 7") == true, "\(hb.remark ?? "")")
        }
    }

    @Test("QUERY_MESSAGE by key and by unique key, VIEW_MESSAGE_BY_ID by commit-log offset")
    func query() async throws {
        try await withBroker { _, broker, client in
            var offsets: [Int64] = []
            for i in 0..<4 {
                let sent = try await client.invoke(
                    sendRequest(
                        topic: "Q", body: "m\(i)", keys: i < 2 ? "order-1" : "order-2",
                        extraProperties: ["UNIQ_KEY": "U\(i)"]), to: broker, timeout: .seconds(5))
                let header = try sent.decodeHeader(SendMessageResponseHeader.self)
                offsets.append(try #require(OffsetMessageID(header.msgId)).commitLogOffset)
            }
            let byKey = try await client.invoke(
                .request(.queryMessage, header: QueryMessageRequestHeader(topic: "Q", key: "order-1")), to: broker,
                timeout: .seconds(5))
            #expect(byKey.responseCode == .success, "\(byKey.remark ?? "")")
            #expect(Set(try decodeMessages(byKey.body).map { String(buffer: $0.body) }) == ["m0", "m1"])
            #expect(try byKey.decodeHeader(QueryMessageResponseHeader.self).indexLastUpdatePhyoffset > 0)

            var unique = RemotingCommand.request(
                .queryMessage, header: QueryMessageRequestHeader(topic: "Q", key: "U2", maxNum: 1))
            unique.extFields[QueryMessageRequestHeader.uniqueKeyQueryFlag] = "true"
            let byUnique = try await client.invoke(unique, to: broker, timeout: .seconds(5))
            #expect(try decodeMessages(byUnique.body).map { String(buffer: $0.body) } == ["m2"])

            let missing = try await client.invoke(
                .request(.queryMessage, header: QueryMessageRequestHeader(topic: "Q", key: "nope")), to: broker,
                timeout: .seconds(5))
            #expect(missing.responseCode == .queryNotFound)

            let view = try await client.invoke(
                .request(.viewMessageById, header: ViewMessageRequestHeader(offset: offsets[3])), to: broker,
                timeout: .seconds(5))
            #expect(view.responseCode == .success)
            let viewed = try decodeMessages(view.body)
            #expect(viewed.map { String(buffer: $0.body) } == ["m3"])
            #expect(viewed.first?.physicalOffset == offsets[3])

            let bad = try await client.invoke(
                .request(.viewMessageById, header: ViewMessageRequestHeader(offset: offsets[3] + 1)), to: broker,
                timeout: .seconds(5))
            #expect(bad.responseCode == .systemError)
        }
    }

    @Test("A QUERY_MESSAGE answer stops at the frame limit instead of growing past what clients accept")
    func queryBounded() async throws {
        let maxFrameLength = 256 * 1024
        let smallFrames: @Sendable (inout BrokerConfiguration) -> Void = { $0.maxFrameLength = maxFrameLength }
        try await withBroker(configure: smallFrames) { _, broker, client in
            let body = String(repeating: "x", count: 60_000)
            for _ in 0..<6 {
                let sent = try await client.invoke(
                    sendRequest(topic: "QB", body: body, keys: "big"), to: broker, timeout: .seconds(5))
                #expect(sent.responseCode == .success, "\(sent.remark ?? "")")
            }
            let answer = try await client.invoke(
                .request(.queryMessage, header: QueryMessageRequestHeader(topic: "QB", key: "big", maxNum: 32)),
                to: broker, timeout: .seconds(5))
            #expect(answer.responseCode == .success, "\(answer.remark ?? "")")
            let found = try decodeMessages(answer.body)
            // 6 × ~60 KB would exceed the 256 KiB frame; the answer holds as many whole records as fit.
            #expect(found.count == 3)
            #expect(found.allSatisfy { $0.body.readableBytes == 60_000 })
            #expect((answer.body?.readableBytes ?? 0) <= maxFrameLength - 64 * 1024)
        }
    }

    @Test(
        "Reset by time moves committed offsets back, tells a live CPP client with the list body, and pulls resume there"
    )
    func resetByTime() async throws {
        try await withBroker { _, broker, client in
            for i in 0..<2 {
                _ = try await client.invoke(sendRequest(topic: "R", body: "m\(i)"), to: broker, timeout: .seconds(5))
            }
            try await Task.sleep(for: .milliseconds(30))
            let resetTime = Int64(Date().timeIntervalSince1970 * 1000)
            try await Task.sleep(for: .milliseconds(30))
            for i in 2..<4 {
                _ = try await client.invoke(sendRequest(topic: "R", body: "m\(i)"), to: broker, timeout: .seconds(5))
            }
            _ = try await client.invoke(
                .request(
                    .updateConsumerOffset,
                    header: UpdateConsumerOffsetRequestHeader(
                        consumerGroup: "RG", topic: "R", queueId: 0, commitOffset: 4)),
                to: broker, timeout: .seconds(5))

            // A live member of the group, speaking as the C++ client.
            let received = Mutex<[RemotingCommand]>([])
            let member = RemotingClient(logger: Logger(label: "member")) { request, _ in
                received.withLock { $0.append(request) }
                return nil
            }
            async let serving: Void = member.run()
            var hb = heartbeat(group: "RG", topic: "R", expression: "*", type: "TAG")
            hb.language = .cpp
            #expect(try await member.invoke(hb, to: broker, timeout: .seconds(5)).responseCode == .success)

            let reset = try await client.invoke(
                .request(
                    .invokeBrokerToResetOffset,
                    header: ResetOffsetRequestHeader(topic: "R", group: "RG", timestamp: resetTime, isForce: false)),
                to: broker, timeout: .seconds(5))
            #expect(reset.responseCode == .success, "\(reset.remark ?? "")")
            #expect(String(buffer: try #require(reset.body)).contains("\"queueId\":0,\"topic\":\"R\"}:2"))

            let offset = try await client.invoke(
                .request(
                    .queryConsumerOffset,
                    header: QueryConsumerOffsetRequestHeader(consumerGroup: "RG", topic: "R", queueId: 0)),
                to: broker, timeout: .seconds(5))
            #expect(try offset.decodeHeader(OffsetResponseHeader.self).value == 2)

            @Sendable func resetNotice() -> RemotingCommand? {
                received.withLock { $0.first { $0.requestCode == .resetConsumerClientOffset } }
            }
            try await withTimeout(.seconds(5)) {
                while resetNotice() == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            let notice = try #require(resetNotice())
            #expect(try notice.decodeHeader(ResetOffsetRequestHeader.self).group == "RG")
            let table = try ResetOffsetBody(listBody: notice.body).offsetTable
            #expect(table.first { $0.key.queueId == 0 }?.value == 2)
            await member.shutdown()
            await serving

            let pulled = try await client.invoke(pullRequest(topic: "R", offset: 2), to: broker, timeout: .seconds(5))
            #expect(try decodeMessages(pulled.body).map { String(buffer: $0.body) } == ["m2", "m3"])

            // Not forced: a later time does not move the offset forward; forced with -1 goes to the end.
            let forward = try await client.invoke(
                .request(
                    .invokeBrokerToResetOffset,
                    header: ResetOffsetRequestHeader(topic: "R", group: "RG", timestamp: -1, isForce: true)),
                to: broker, timeout: .seconds(5))
            #expect(forward.responseCode == .success)
            let end = try await client.invoke(
                .request(
                    .queryConsumerOffset,
                    header: QueryConsumerOffsetRequestHeader(consumerGroup: "RG", topic: "R", queueId: 0)),
                to: broker, timeout: .seconds(5))
            #expect(try end.decodeHeader(OffsetResponseHeader.self).value == 4)

            let unknown = try await client.invoke(
                .request(
                    .invokeBrokerToResetOffset,
                    header: ResetOffsetRequestHeader(topic: "R", group: "nobody", timestamp: 0, isForce: true)),
                to: broker, timeout: .seconds(5))
            #expect(unknown.responseCode == .systemError)
        }
    }
}
