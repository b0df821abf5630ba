import CometBroker
import CometCore
import CometProtocol
import CometRemoting
import Foundation
import Logging
import NIOCore
import Synchronization
import Testing

@Suite("Transactions over TCP", .timeLimit(.minutes(3)))
struct TransactionTCPTests {
    static let fastChecks: @Sendable (inout BrokerConfiguration) -> Void = {
        $0.transactionCheckInterval = .seconds(1)
        $0.transactionTimeout = .seconds(1)
        $0.transactionCheckMax = 3
    }

    static func half(_ body: String, queueId: Int32 = 0) -> RemotingCommand {
        sendRequest(
            topic: "TxT", body: body, queueId: queueId,
            extraProperties: ["TRAN_MSG": "true", "PGROUP": "TPG", "UNIQ_KEY": "U-\(body)"])
    }

    static func end(
        _ sent: SendMessageResponseHeader, _ code: Int32, key: String, fromCheck: Bool = false
    ) throws -> RemotingCommand {
        let id = try #require(OffsetMessageID(sent.msgId))
        return .request(
            .endTransaction,
            header: EndTransactionRequestHeader(
                producerGroup: "TPG", tranStateTableOffset: sent.queueOffset, commitLogOffset: id.commitLogOffset,
                commitOrRollback: code, fromTransactionCheck: fromCheck, msgId: key))
    }

    @Test("A half message is invisible; commit delivers it once, rollback never")
    func commitAndRollback() async throws {
        try await withBroker(configure: Self.fastChecks) { _, broker, client in
            let committed = try await sendOK(client, broker, Self.half("commit"))
            let rolledBack = try await sendOK(client, broker, Self.half("rollback", queueId: 1))
            #expect(try await pullMessages(client, broker, topic: "TxT").isEmpty)

            var response = try await client.invoke(
                try Self.end(committed, 8, key: "U-commit"), to: broker, timeout: .seconds(5))
            #expect(response.code == ResponseCode.success.rawValue, "\(response.remark ?? "")")
            response = try await client.invoke(
                try Self.end(rolledBack, 12, key: "U-rollback"), to: broker, timeout: .seconds(5))
            #expect(response.code == ResponseCode.success.rawValue)
            // A repeated commit is accepted but delivers nothing more.
            response = try await client.invoke(
                try Self.end(committed, 8, key: "U-commit"), to: broker, timeout: .seconds(5))
            #expect(response.code == ResponseCode.success.rawValue)

            let messages = try await pullMessages(client, broker, topic: "TxT")
            #expect(messages.count == 1)
            #expect(String(buffer: messages[0].body) == "commit")
            #expect(messages[0].properties["TRAN_MSG"] == nil)
            #expect(messages[0].properties["REAL_TOPIC"] == nil)
            #expect(messages[0].sysFlag.rawValue & 0xC == 0x8)
            #expect(messages[0].preparedTransactionOffset == OffsetMessageID(committed.msgId)!.commitLogOffset)
            try await Task.sleep(for: .seconds(2.5))
            #expect(try await pullMessages(client, broker, topic: "TxT", queueId: 1).isEmpty)

            var wrong = try Self.end(committed, 8, key: "U-commit")
            wrong.extFields["producerGroup"] = "OTHER"
            response = try await client.invoke(wrong, to: broker, timeout: .seconds(5))
            #expect(response.code == ResponseCode.systemError.rawValue)
        }
    }

    @Test("An unknown outcome is checked back with the producer, whose answer commits it")
    func unknownThenCheck() async throws {
        try await withBroker(configure: Self.fastChecks) { _, broker, _ in
            let checks = Mutex<[CheckTransactionStateRequestHeader]>([])
            let bodies = Mutex<[StoredMessage]>([])
            let producer = RemotingClient(logger: Logger(label: "producer")) { request, connection in
                guard request.requestCode == .checkTransactionState,
                    let header = try? request.decodeHeader(CheckTransactionStateRequestHeader.self)
                else { return nil }
                checks.withLock { $0.append(header) }
                if let decoded = try? decodeMessages(request.body) {
                    bodies.withLock { $0.append(contentsOf: decoded) }
                }
                let end = RemotingCommand.request(
                    .endTransaction,
                    header: EndTransactionRequestHeader(
                        producerGroup: "TPG", tranStateTableOffset: header.tranStateTableOffset,
                        commitLogOffset: header.commitLogOffset, commitOrRollback: 8, fromTransactionCheck: true,
                        msgId: header.msgId ?? ""))
                _ = try? await connection.invoke(end, timeout: .seconds(5))
                return nil
            }
            async let serving: Void = producer.run()
            let heartbeat = RemotingCommand.request(
                .heartBeat, body: HeartbeatData(clientID: "tx-producer", producerGroups: ["TPG"]).encoded())
            #expect(try await producer.invoke(heartbeat, to: broker, timeout: .seconds(5)).code == 0)
            let sent = try await sendOK(producer, broker, Self.half("unknown"))
            let response = try await producer.invoke(
                try Self.end(sent, 0, key: "U-unknown"), to: broker, timeout: .seconds(5))
            #expect(response.code == ResponseCode.success.rawValue)
            #expect(try await pullMessages(producer, broker, topic: "TxT").isEmpty)

            let (messages, _) = try await awaitMessages(producer, broker, topic: "TxT", within: .seconds(6))
            #expect(String(buffer: messages[0].body) == "unknown")
            let check = try #require(checks.withLock { $0.first })
            #expect(check.tranStateTableOffset == sent.queueOffset)
            #expect(check.commitLogOffset == OffsetMessageID(sent.msgId)!.commitLogOffset)
            #expect(check.msgId == "U-unknown")
            #expect(check.offsetMsgId == sent.msgId)
            let body = try #require(bodies.withLock { $0.first })
            #expect(body.topic == "TxT")
            #expect(body.properties["PGROUP"] == "TPG")
            try await Task.sleep(for: .seconds(2.5))
            #expect(checks.withLock { $0.count } == 1)
            #expect(try await pullMessages(producer, broker, topic: "TxT").count == 1)
            await producer.shutdown()
            await serving
        }
    }

    @Test("Resolution survives a restart: a committed half message is not checked again")
    func survivesRestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("comet-it-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let client = RemotingClient(logger: Logger(label: "test"))
        let first = try await RestartableBroker.start(folder: folder, configure: Self.fastChecks)
        let sent = try await sendOK(client, first.address, Self.half("durable"))
        let pending = try await sendOK(client, first.address, Self.half("pending", queueId: 1))
        #expect(
            try await client.invoke(try Self.end(sent, 8, key: "U-durable"), to: first.address, timeout: .seconds(5))
                .code == 0)
        await first.stop()
        let second = try await RestartableBroker.start(folder: folder, configure: Self.fastChecks)
        try await Task.sleep(for: .seconds(1.5))
        #expect(second.broker.controller.transactions.pendingCount == 1)
        #expect(
            try await client.invoke(try Self.end(sent, 8, key: "U-durable"), to: second.address, timeout: .seconds(5))
                .code == 0)
        #expect(
            try await client.invoke(
                try Self.end(pending, 12, key: "U-pending"), to: second.address, timeout: .seconds(5)
            ).code == 0)
        #expect(try await pullMessages(client, second.address, topic: "TxT").count == 1)
        #expect(try await pullMessages(client, second.address, topic: "TxT", queueId: 1).isEmpty)
        await second.stop()
        await client.shutdown()
    }

    @Test("A half message the producer keeps answering 'unknown' is discarded after transactionCheckMax checks")
    func discardAfterMaxChecks() async throws {
        let configure: @Sendable (inout BrokerConfiguration) -> Void = {
            $0.transactionCheckInterval = .seconds(1)
            $0.transactionTimeout = .zero
            $0.transactionCheckMax = 2
        }
        try await withBroker(configure: configure) { _, broker, _ in
            let checks = Mutex(0)
            let producer = RemotingClient(logger: Logger(label: "producer")) { request, _ in
                if request.requestCode == .checkTransactionState { checks.withLock { $0 += 1 } }
                return nil
            }
            async let serving: Void = producer.run()
            let heartbeat = RemotingCommand.request(
                .heartBeat, body: HeartbeatData(clientID: "tx-unknown", producerGroups: ["TPG"]).encoded())
            #expect(try await producer.invoke(heartbeat, to: broker, timeout: .seconds(5)).code == 0)
            try await sendOK(producer, broker, Self.half("never"))
            let (discarded, _) = try await awaitMessages(
                producer, broker, topic: TransactionalMessageService.checkMaxTimeTopic, within: .seconds(8))
            #expect(String(buffer: discarded[0].body) == "never")
            #expect(checks.withLock { $0 } == 2)
            #expect(try await pullMessages(producer, broker, topic: "TxT").isEmpty)
            await producer.shutdown()
            await serving
        }
    }
}
