import ArgumentParser
import CometClient
import CometCommandSupport
import Foundation
import Logging
import Synchronization

/// `comet consume`: prints the messages of a topic as they arrive.
struct ConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Print messages of a topic as they arrive (text, or JSON lines with --json).",
        discussion: """
            --from applies to a group with no committed offset. Stops after --count messages or on Ctrl-C.
            Example: comet consume -n 127.0.0.1:9876 -t Orders -g billing --tag 'created || paid' --from earliest
            """)

    @OptionGroup var client: ClientOptions

    @Option(name: .shortAndLong, help: "Consumer group.")
    var group = "comet-cli-consumer"

    @Option(help: "Tag expression: *, TagA, TagA || TagB.")
    var tag = "*"

    @Option(help: "Start of a new group: earliest, latest, or a time in ms since the epoch.")
    var from = "latest"

    @Option(help: "Stop after this many messages.")
    var count: Int?

    @Flag(help: "Every consumer of the group gets every message.")
    var broadcast = false

    @Flag(help: "One message at a time per queue, in order (queues locked on the broker).")
    var orderly = false

    @Flag(help: "Print JSON lines.")
    var json = false

    func validate() throws {
        guard ["earliest", "latest"].contains(from) || Int64(from) != nil else {
            throw ValidationError("--from must be earliest, latest or a timestamp in ms")
        }
    }

    func run() async throws {
        bootstrapQuietLogging()
        var options = PushConsumer.Options()
        options.model = broadcast ? .broadcasting : .clustering
        options.orderly = orderly
        options.consumeFrom = from == "earliest" ? .earliest : from == "latest" ? .latest : .timestamp(Int64(from)!)
        let consumer = PushConsumer(group: group, configuration: client.configuration, options: options)
        try consumer.subscribe(client.topic, expression: tag)
        let (done, finish) = AsyncStream<Void>.makeStream()
        let seen = Atomic<Int>(0)
        let limit = count
        let asJSON = json
        try await consumer.start { message in
            let n = seen.add(1, ordering: .relaxed).newValue
            if let limit, n > limit { return .success }
            FileHandle.standardOutput.write(Data(((asJSON ? Self.json(message) : Self.text(message)) + "\n").utf8))
            if let limit, n == limit { finish.yield() }
            return .success
        }
        let signals = SignalStop(finish)
        for await _ in done { break }
        signals.cancel()
        await consumer.shutdown()
    }

    static func text(_ m: ReceivedMessage) -> String {
        "\(m.queue) offset=\(m.queueOffset) msgId=\(m.messageId) tags=\(m.tags ?? "") keys=\(m.keys.joined(separator: " ")) body=\(m.text)"
    }

    static func json(_ m: ReceivedMessage) -> String {
        let object: [String: Any] = [
            "topic": m.topic, "queueId": Int(m.queue.queueId), "broker": m.queue.brokerName,
            "queueOffset": m.queueOffset,
            "msgId": m.messageId, "offsetMsgId": m.offsetMessageId, "tags": m.tags ?? "", "keys": m.keys,
            "properties": m.properties, "body": m.text, "reconsumeTimes": Int(m.reconsumeTimes),
            "bornTimestamp": m.bornTimestamp, "storeTimestamp": m.storeTimestamp,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Ends a wait on SIGINT/SIGTERM.
final class SignalStop {
    private let sources: [any DispatchSourceSignal]

    init(_ continuation: AsyncStream<Void>.Continuation) {
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig)
            source.setEventHandler { continuation.yield() }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() { for source in sources { source.cancel() } }
}
