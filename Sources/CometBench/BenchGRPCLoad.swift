import ArgumentParser
import CometCommandSupport
import CometGRPCStubs
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf

/// Which protocol a load run speaks.
enum BenchProtocol: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// RocketMQ 4.x remoting through the name server (the Swift client).
    case remoting
    /// RocketMQ 5.x gRPC straight to an endpoint (SendMessage; ReceiveMessage + AckMessage).
    case grpc
}

/// The v5 load generators behind `--protocol grpc`: raw `MessagingService` calls over one HTTP/2
/// connection per producer (what a 5.x SDK does), so the figures are the endpoint's, not an SDK's.
enum GRPCLoad {
    typealias Service = Apache_Rocketmq_V2_MessagingService

    /// Runs `body` with one client per `count`, each on its own HTTP/2 connection.
    static func withClients<Result: Sendable>(
        endpoint: String, count: Int,
        _ body: @escaping @Sendable ([Service.Client<HTTP2ClientTransport.Posix>]) async throws -> Result
    ) async throws -> Result {
        let parts = endpoint.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else {
            throw ValidationError("--endpoint must be HOST:PORT, got \(endpoint)")
        }
        let host = String(parts[0])
        var clients: [GRPCClient<HTTP2ClientTransport.Posix>] = []
        for _ in 0..<count {
            let transport = try HTTP2ClientTransport.Posix(
                target: .ipv4(address: host, port: port), transportSecurity: .plaintext)
            clients.append(GRPCClient(transport: transport))
        }
        let running = clients
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            for client in running {
                group.addTask {
                    try await client.runConnections()
                    return nil
                }
            }
            defer { for client in running { client.beginGracefulShutdown() } }
            let result = try await body(running.map { Service.Client(wrapping: $0) })
            return result
        }
    }

    /// Sends `size`-byte NORMAL messages from `inflight` tasks per client until `deadline`.
    static func produce(
        _ options: LoadOptions, clients: [Service.Client<HTTP2ClientTransport.Posix>], recorder: LoadRecorder,
        until deadline: ContinuousClock.Instant
    ) async {
        let topic = options.client.topic
        let size = options.size
        let prefix = String(getpid(), radix: 16)
        await withTaskGroup(of: Void.self) { group in
            for (c, client) in clients.enumerated() {
                for t in 0..<options.inflight {
                    group.addTask {
                        var sequence = 0
                        var body = Data(repeating: UInt8(ascii: "x"), count: size)
                        while ContinuousClock.now < deadline {
                            sequence += 1
                            let started = ContinuousClock.now
                            let sentAt = wallMicros()
                            withUnsafeBytes(of: sentAt.bigEndian) { raw in
                                for j in 0..<8 { body[j] = raw[j] }
                            }
                            var message = Apache_Rocketmq_V2_Message()
                            message.topic.name = topic
                            message.body = body
                            message.systemProperties.messageID = "\(prefix)-\(c)-\(t)-\(sequence)"
                            message.systemProperties.messageType = .normal
                            message.systemProperties.bodyEncoding = .identity
                            message.systemProperties.bornTimestamp = Google_Protobuf_Timestamp(date: Date())
                            message.systemProperties.bornHost = "127.0.0.1"
                            var request = Apache_Rocketmq_V2_SendMessageRequest()
                            request.messages = [message]
                            do {
                                let response = try await client.sendMessage(request: ClientRequest(message: request))
                                guard response.status.code == .ok else { throw BenchError(response.status.message) }
                                recorder.record(micros: micros(since: started))
                            } catch {
                                recorder.recordError()
                                try? await Task.sleep(for: .milliseconds(100))
                            }
                        }
                    }
                }
            }
        }
    }

    /// Receives (batches of 32, long polling) and acknowledges until `deadline`, from `inflight`
    /// receive loops per client.
    static func consume(
        _ options: LoadOptions, group: String, clients: [Service.Client<HTTP2ClientTransport.Posix>],
        recorder: LoadRecorder, until deadline: ContinuousClock.Instant
    ) async {
        let topic = options.client.topic
        await withTaskGroup(of: Void.self) { tasks in
            for client in clients {
                for _ in 0..<options.inflight {
                    tasks.addTask {
                        while ContinuousClock.now < deadline {
                            var request = Apache_Rocketmq_V2_ReceiveMessageRequest()
                            request.group.name = group
                            request.messageQueue.topic.name = topic
                            request.filterExpression.type = .tag
                            request.filterExpression.expression = "*"
                            request.batchSize = 32
                            request.invisibleDuration = Google_Protobuf_Duration(seconds: 30)
                            request.longPollingTimeout = Google_Protobuf_Duration(seconds: 2)
                            let started = ContinuousClock.now
                            do {
                                let received = try await client.receiveMessage(request: ClientRequest(message: request))
                                { response in
                                    var messages: [Apache_Rocketmq_V2_Message] = []
                                    for try await item in response.messages {
                                        if case .message(let message) = item.content { messages.append(message) }
                                    }
                                    return messages
                                }
                                guard !received.isEmpty else { continue }
                                var ack = Apache_Rocketmq_V2_AckMessageRequest()
                                ack.group.name = group
                                ack.topic.name = topic
                                ack.entries = received.map { message in
                                    var entry = Apache_Rocketmq_V2_AckMessageEntry()
                                    entry.messageID = message.systemProperties.messageID
                                    entry.receiptHandle = message.systemProperties.receiptHandle
                                    return entry
                                }
                                let answer = try await client.ackMessage(request: ClientRequest(message: ack))
                                guard answer.status.code == .ok else { throw BenchError(answer.status.message) }
                                // Receive-to-ack time per batch, counted once per message.
                                recorder.record(micros: micros(since: started), count: received.count)
                            } catch {
                                recorder.recordError()
                                try? await Task.sleep(for: .milliseconds(100))
                            }
                        }
                    }
                }
            }
        }
    }

    static func micros(since start: ContinuousClock.Instant) -> UInt64 {
        let elapsed = ContinuousClock.now - start
        return UInt64(max(0, elapsed.components.seconds)) * 1_000_000
            + UInt64(max(0, elapsed.components.attoseconds / 1_000_000_000_000))
    }
}

/// A refusal by the endpoint during a load run.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
