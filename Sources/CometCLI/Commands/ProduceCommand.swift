import ArgumentParser
import CometClient
import CometCommandSupport
import Foundation
import Logging

/// `comet produce`: sends messages from the command line, a file or standard input.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Send messages: --body TEXT, --file F, or one message per line of standard input.",
        discussion: """
            Examples:
              comet produce -n 127.0.0.1:9876 -t Orders --tag created --key order-1 --body '{"id":1}'
              seq 1 100 | comet produce -t Orders
            """)

    @OptionGroup var client: ClientOptions

    @Option(help: "Tag of every message.")
    var tag: String?

    @Option(help: "Key of every message (indexed for queries).")
    var key: String?

    @Option(help: "How many times to send --body or --file.")
    var count = 1

    @Option(help: "Message body text.")
    var body: String?

    @Option(help: "Send this file's bytes as the body.")
    var file: String?

    @Option(name: .customLong("property"), help: "A user property KEY=VALUE (repeatable).")
    var properties: [String] = []

    @Option(help: "Delay level 1-18 (1s 5s 10s 30s 1m ... 2h).")
    var delayLevel = 0

    @Option(help: "Producer group.")
    var group = "comet-cli-producer"

    @Flag(help: "Print one JSON object per sent message.")
    var json = false

    func validate() throws {
        guard body == nil || file == nil else { throw ValidationError("use either --body or --file, not both") }
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        for property in properties where !property.contains("=") {
            throw ValidationError("--property must be KEY=VALUE, got '\(property)'")
        }
    }

    func run() async throws {
        bootstrapQuietLogging()
        let producer = Producer(group: group, configuration: client.configuration)
        try await producer.start()
        defer { Task { await producer.shutdown() } }
        var userProperties: [String: String] = [:]
        for property in properties {
            let parts = property.split(separator: "=", maxSplits: 1)
            userProperties[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        var failures = 0
        func send(_ bytes: [UInt8]) async {
            let message = Message(
                topic: client.topic, body: bytes, tags: tag, keys: key.map { [$0] } ?? [], properties: userProperties,
                delayLevel: delayLevel)
            do {
                let result = try await producer.send(message)
                if json {
                    print(
                        #"{"status":"\#(result.status)","msgId":"\#(result.messageId)","offsetMsgId":"\#(result.offsetMessageId)","queue":"\#(result.queue)","queueOffset":\#(result.queueOffset)}"#
                    )
                } else {
                    print("SEND_OK msgId=\(result.messageId) queue=\(result.queue) offset=\(result.queueOffset)")
                }
            } catch {
                failures += 1
                printError("send failed: \(error)")
            }
        }
        if let body {
            for _ in 0..<count { await send(Array(body.utf8)) }
        } else if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read --file \(file)")
            }
            for _ in 0..<count { await send(Array(data)) }
        } else {
            while let line = readLine() {
                if !line.isEmpty { await send(Array(line.utf8)) }
            }
        }
        await producer.shutdown()
        if failures > 0 { throw ExitCode.failure }
    }
}
