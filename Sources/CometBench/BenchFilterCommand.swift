import ArgumentParser
import CometBroker
import CometCore

/// `comet bench filter`: SQL92 filter throughput — one compiled expression evaluated over many
/// messages' properties, both from property maps and from the encoded property bytes the broker
/// reads out of stored records.
struct BenchFilterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter", abstract: "Benchmark SQL92 filter evaluation (messages evaluated per second).")

    @Option(help: "The SQL92 expression.")
    var expression: String = "a > 5 AND b = 'x' OR c IN ('p','q')"

    @Option(help: "Number of distinct messages (property sets).")
    var messages: Int = 1_000_000

    @Option(help: "Passes over the messages (the best pass is reported).")
    var passes: Int = 3

    func run() async throws {
        let filter = try SQLFilter.compile(expression)
        let colors = ["x", "y", "z"]
        let letters = ["p", "q", "r", "s", "t"]
        var maps: [[String: String]] = []
        var encoded: [[UInt8]] = []
        maps.reserveCapacity(messages)
        encoded.reserveCapacity(messages)
        for i in 0..<messages {
            let properties = [
                "a": String(i % 10), "b": colors[i % colors.count], "c": letters[(i / 3) % letters.count],
                "TAGS": "TagA", "KEYS": "order-\(i)", "UNIQ_KEY": "7F00000100002A9F0000\(i)",
            ]
            maps.append(properties)
            encoded.append(Array(MessageProperties.encode(properties).utf8))
        }
        print("expression: \(expression)")
        print("messages: \(messages), passes: \(passes)")

        let clock = ContinuousClock()
        var bestMap = Duration.seconds(1_000_000)
        var matched = 0
        for _ in 0..<max(1, passes) {
            var count = 0
            let elapsed = clock.measure {
                for properties in maps where filter.matches(properties) { count += 1 }
            }
            matched = count
            bestMap = min(bestMap, elapsed)
        }
        var bestBytes = Duration.seconds(1_000_000)
        for _ in 0..<max(1, passes) {
            var count = 0
            let elapsed = clock.measure {
                for bytes in encoded {
                    let hit = bytes.withUnsafeBytes { filter.matches(propertiesBytes: $0) }
                    if hit { count += 1 }
                }
            }
            precondition(count == matched, "property-bytes evaluation disagrees with map evaluation")
            bestBytes = min(bestBytes, elapsed)
        }
        print("matched: \(matched) of \(messages)")
        print(
            "property maps:  \(Self.rate(messages, bestMap)) messages/s (\(Self.nanos(messages, bestMap)) ns/message)")
        print(
            "property bytes: \(Self.rate(messages, bestBytes)) messages/s (\(Self.nanos(messages, bestBytes)) ns/message)"
        )
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func rate(_ count: Int, _ d: Duration) -> String {
        let r = Double(count) / max(seconds(d), 1e-9)
        return r >= 1e6 ? "\(Double(Int(r / 1e4)) / 100)M" : "\(Int(r))"
    }

    static func nanos(_ count: Int, _ d: Duration) -> String {
        String(Int(seconds(d) * 1e9 / Double(max(count, 1))))
    }
}
