package import CometCore
import CometProtocol
import Foundation
import Synchronization

/// The broker settings in force and their changes at run time (RocketMQ `Configuration` behind
/// GET_BROKER_CONFIG / UPDATE_BROKER_CONFIG). Updates are validated as a whole, applied, then
/// written back to the file the broker was started with (`--config`), or to
/// `<data>/config/broker.conf`, which `comet broker` reads at start when no `--config` is given.
package final class BrokerConfigManager: Sendable {
    private struct State {
        var configuration: BrokerConfiguration
        var version: DataVersion
    }

    private let state: Mutex<State>
    /// Where updates are persisted.
    package let file: String

    package init(_ configuration: BrokerConfiguration, file: String?) {
        self.file = file ?? configuration.configDirectory + "/broker.conf"
        state = Mutex(State(configuration: configuration, version: DataVersion(timestamp: 0, counter: 0)))
    }

    /// The settings in force.
    package var current: BrokerConfiguration { state.withLock { $0.configuration } }

    /// `key=value` lines of every setting, and the change counter as RocketMQ's `version` JSON.
    package func formatted() -> (text: String, version: String) {
        state.withLock { state in
            let text = state.configuration.properties.map { "\($0.key)=\($0.value)\n" }.joined()
            return (text, "{\"counter\":\(state.version.counter),\"timestamp\":\(state.version.timestamp)}")
        }
    }

    /// Outcome of an update.
    package struct Update: Sendable {
        /// Keys whose value changed.
        package var changed: [String]
        /// Changed keys that take effect only after a restart.
        package var needRestart: [String]
        /// Keys Comet does not know (kept out of the file).
        package var ignored: [String]
        /// Whether `brokerPermission` changed (the broker re-registers).
        package var permissionChanged: Bool
    }

    /// Whether properties text names a key UPDATE_BROKER_CONFIG may not change.
    package static func touchesBlackList(_ text: String) -> Bool {
        JavaProperties.parse(text).contains { BrokerConfiguration.updateBlackList.contains($0.key) }
    }

    /// Applies properties text (UPDATE_BROKER_CONFIG). Throws `.invalidArgument` for a black-listed
    /// key and `.invalidConfiguration` for a value that does not parse; nothing changes then.
    package func update(_ text: String, now: Int64) throws(CometError) -> Update {
        let entries = JavaProperties.parse(text)
        guard !Self.touchesBlackList(text) else {
            throw CometError(.invalidArgument, "Can not update config in black list.")
        }
        let (update, snapshot) = try state.withLock { state throws(CometError) -> (Update, BrokerConfiguration) in
            var next = state.configuration
            let before = Dictionary(next.properties.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            var ignored: [String] = []
            for entry in entries {
                let warnings = try next.apply(properties: "\(entry.key)=\(Self.escape(entry.value))")
                if !warnings.isEmpty, before[entry.key] == nil { ignored.append(entry.key) }
            }
            try next.validate()
            let after = Dictionary(next.properties.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            let changed = after.keys.filter { after[$0] != before[$0] }.sorted()
            state.configuration = next
            if !changed.isEmpty { state.version = DataVersion(timestamp: now, counter: state.version.counter + 1) }
            return (
                Update(
                    changed: changed, needRestart: changed.filter { BrokerConfiguration.restartKeys.contains($0) },
                    ignored: ignored, permissionChanged: changed.contains("brokerPermission")),
                next
            )
        }
        if !update.changed.isEmpty { try persist(snapshot, changed: update.changed) }
        return update
    }

    /// Rewrites the changed keys' lines in the file (appending new ones), keeping comments and
    /// every other line as the operator wrote them.
    private func persist(_ configuration: BrokerConfiguration, changed: [String]) throws(CometError) {
        let values = Dictionary(configuration.properties.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        let existing = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        var lines = existing.isEmpty ? [] : existing.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        var pending = Set(changed)
        for (i, line) in lines.enumerated() {
            guard let entry = JavaProperties.parse(line).first, pending.contains(entry.key) else { continue }
            lines[i] = "\(entry.key)=\(Self.escape(values[entry.key] ?? ""))"
            pending.remove(entry.key)
        }
        for key in changed where pending.contains(key) { lines.append("\(key)=\(Self.escape(values[key] ?? ""))") }
        do {
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            throw CometError(.io, "cannot write the broker configuration to \(file): \(error)")
        }
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
