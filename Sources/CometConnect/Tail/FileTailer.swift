package import CometClient
import Foundation
package import Logging

/// Follows files like `tail -F` and hands their lines, in batches, to `deliver` (a producer's
/// batch send): rotation by rename (the old file is read to its end first) and by copy-truncate,
/// new files matching a pattern, truncation. Progress is recorded only after `deliver` returned,
/// so a crash loses nothing and re-sends at most the batch in flight. When `deliver` fails (the
/// broker is slow or gone) the same batch is retried with a growing pause and nothing more is
/// read meanwhile: memory stays bounded and sending resumes when the broker is back.
package final class FileTailer {
    /// Sends one batch of messages; returns once the broker acknowledged all of them.
    package typealias Deliver = @Sendable ([Message]) async throws -> Void

    private let configuration: TailConfiguration
    private let deliver: Deliver
    private let logger: Logger
    private let factory: TailMessageFactory
    private var files: [FileIdentity: FollowedFile] = [:]
    private var state = TailState()
    private var hadStateFile = false
    private var lastScan: ContinuousClock.Instant?
    private var report = Report()

    /// A tailer of `configuration` sending through `deliver`.
    package init(configuration: TailConfiguration, logger: Logger, deliver: @escaping Deliver) throws {
        self.configuration = configuration
        self.deliver = deliver
        self.logger = logger
        var keyPattern: Regex<AnyRegexOutput>?
        if let pattern = configuration.keyPattern {
            do { keyPattern = try Regex(pattern) } catch {
                throw ConnectError("invalid --key-regex '\(pattern)': \(error)")
            }
        }
        if let pattern = configuration.multilineStart, (try? Regex(pattern)) == nil {
            throw ConnectError("invalid --multiline-start '\(pattern)'")
        }
        factory = TailMessageFactory(
            topic: configuration.topic, tag: configuration.tag, keyPattern: keyPattern, jsonTag: configuration.jsonTag,
            jsonKey: configuration.jsonKey, host: configuration.host)
    }

    /// Lines acknowledged so far.
    package var linesSent: Int { report.totalLines }

    /// Follows the files until the task is cancelled, then records progress and returns.
    package func run() async throws {
        if let path = configuration.statePath, let saved = try TailState.load(path: path) {
            state = saved
            hadStateFile = true
        }
        try recoverRotatedWhileStopped()
        while !Task.isCancelled {
            let now = ContinuousClock.now
            if lastScan.map({ now - $0 >= configuration.scanInterval }) ?? true {
                try scan(initial: lastScan == nil)
                lastScan = now
            }
            var progressed = false
            for file in files.values.sorted(by: { $0.path < $1.path }) {
                if try await pump(file) { progressed = true }
                if Task.isCancelled { break }
            }
            logReportIfDue()
            if !progressed {
                do { try await Task.sleep(for: configuration.pollInterval) } catch { break }
            }
        }
        try saveState()
    }

    /// Reads one chunk of `file` and sends its events; returns whether anything was read.
    private func pump(_ file: FollowedFile) async throws -> Bool {
        let size = file.size
        if size < file.readOffset {
            logger.notice("file truncated; reading it from the start", metadata: ["path": "\(file.path)"])
            file.truncated()
            try recordProgress(file)
        }
        guard size > file.readOffset else { return try await idle(file) }
        let bytes = try await file.read(limit: min(configuration.chunkBytes, Int(size - file.readOffset)))
        guard !bytes.isEmpty else { return try await idle(file) }
        file.lastActivity = .now
        let events = file.events(from: bytes)
        report.bytesRead += bytes.count
        guard try await send(events, of: file) else { return false }
        file.acknowledged = file.pendingOffset
        try recordProgress(file)
        return true
    }

    /// A file with nothing new: close an open multiline event after its timeout, and retire a
    /// rotated file once it stayed at its end for a scan interval (its writer has moved on).
    private func idle(_ file: FollowedFile) async throws -> Bool {
        let quiet = ContinuousClock.now - file.lastActivity
        if file.rotated, quiet >= configuration.scanInterval {
            guard try await send(file.flush(partialLine: true), of: file) else { return false }
            files[file.identity] = nil
            state.files.removeAll { $0.identity == file.identity }
            try saveState()
            logger.info("finished rotated file", metadata: ["path": "\(file.path)"])
            return true
        }
        if file.joiner?.pendingOffset != nil, quiet >= configuration.multilineTimeout {
            guard try await send(file.flush(partialLine: false), of: file) else { return false }
            file.acknowledged = file.pendingOffset
            try recordProgress(file)
        }
        return false
    }

    /// Sends `events` in batches, retrying each until acknowledged; false if cancelled meanwhile
    /// (progress then stays before the unacknowledged batch).
    private func send(_ events: [TailEvent], of file: FollowedFile) async throws -> Bool {
        var batch: [Message] = []
        var bytes = 0
        let prefix = factory.keyPrefix(identity: file.identity, generation: file.generation)
        for event in events {
            if !batch.isEmpty,
                batch.count >= configuration.batchMessages || bytes + event.body.count > configuration.batchBytes
            {
                guard await sendUntilAcknowledged(batch) else { return false }
                batch.removeAll(keepingCapacity: true)
                bytes = 0
            }
            batch.append(factory.message(event, path: file.path, keyPrefix: prefix))
            bytes += event.body.count
        }
        if !batch.isEmpty { guard await sendUntilAcknowledged(batch) else { return false } }
        return true
    }

    private func sendUntilAcknowledged(_ batch: [Message]) async -> Bool {
        var pause = Duration.milliseconds(100)
        while true {
            do {
                try await deliver(batch)
                report.lines += batch.count
                report.totalLines += batch.count
                return true
            } catch {
                logger.warning(
                    "send failed; retrying the same lines",
                    metadata: ["lines": "\(batch.count)", "retry_in": "\(pause)", "error": "\(error)"])
                do { try await Task.sleep(for: pause) } catch { return false }
                pause = min(pause * 2, .seconds(5))
            }
        }
    }

    private func recordProgress(_ file: FollowedFile) throws {
        let entry = TailState.Entry(
            path: file.path, identity: file.identity, offset: file.acknowledged, generation: file.generation)
        if let index = state.files.firstIndex(where: { $0.identity == file.identity }) {
            state.files[index] = entry
        } else {
            state.files.append(entry)
        }
        try saveState()
    }

    private func saveState() throws {
        guard let path = configuration.statePath else { return }
        try state.save(path: path)
    }

    /// Expands the patterns: follows new files, notices renamed and replaced ones.
    private func scan(initial: Bool) throws {
        var seen: Set<FileIdentity> = []
        for path in Self.expand(configuration.patterns) {
            guard let (identity, size) = FileIdentity.of(path: path) else { continue }
            seen.insert(identity)
            if let file = files[identity] {
                file.path = path
                continue
            }
            let saved = state.entry(identity)
            let offset: Int64
            if let saved {
                offset = saved.offset
            } else if initial && !hadStateFile && !configuration.fromBeginning {
                offset = size
            } else {
                offset = 0
            }
            follow(path: path, identity: identity, offset: offset, generation: saved?.generation ?? 0)
        }
        for file in files.values where !file.rotated && !seen.contains(file.identity) {
            // Renamed away (rotation) or deleted: read what is left through the open descriptor.
            file.rotated = true
            file.lastActivity = .now
            logger.info("file rotated or removed; reading it to its end", metadata: ["path": "\(file.path)"])
        }
    }

    /// Files in the state whose path now names another file were rotated while `comet tail` was
    /// stopped: find them by identity in the same folder, so their unsent end is not lost.
    private func recoverRotatedWhileStopped() throws {
        for entry in state.files where FileIdentity.of(path: entry.path)?.identity != entry.identity {
            let folder = (entry.path as NSString).deletingLastPathComponent
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
            guard
                let name = names.first(where: { FileIdentity.of(path: folder + "/" + $0)?.identity == entry.identity })
            else {
                logger.warning("a followed file is gone; its unsent end is lost", metadata: ["path": "\(entry.path)"])
                continue
            }
            follow(
                path: folder + "/" + name, identity: entry.identity, offset: entry.offset, generation: entry.generation)
            files[entry.identity]?.rotated = true
        }
        state.files.removeAll { files[$0.identity] == nil && FileIdentity.of(path: $0.path)?.identity != $0.identity }
    }

    private func follow(path: String, identity: FileIdentity, offset: Int64, generation: Int) {
        guard
            let file = FollowedFile(
                path: path, identity: identity, offset: offset, generation: generation, configuration: configuration)
        else { return }
        files[identity] = file
        logger.info("following file", metadata: ["path": "\(path)", "offset": "\(file.readOffset)"])
    }

    private func logReportIfDue() {
        let now = ContinuousClock.now
        let elapsed = now - report.since
        guard elapsed >= configuration.reportInterval else { return }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let lag = files.values.reduce(Int64(0)) { $0 + max(0, $1.size - $1.acknowledged) }
        logger.info(
            "progress",
            metadata: [
                "lines_per_s": "\(Int(Double(report.lines) / seconds))", "lines_total": "\(report.totalLines)",
                "lag_bytes": "\(lag)", "files": "\(files.count)",
            ])
        report.lines = 0
        report.since = now
    }

    /// Paths matching `patterns` (glob(3)), in order, without duplicates.
    static func expand(_ patterns: [String]) -> [String] {
        var paths: [String] = []
        for pattern in patterns {
            var result = glob_t()
            defer { globfree(&result) }
            guard glob(pattern, 0, nil, &result) == 0 else { continue }
            for index in 0..<Int(result.gl_pathc) {
                if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
            }
        }
        var unique: Set<String> = []
        return paths.filter { unique.insert($0).inserted }
    }

    private struct Report {
        var since = ContinuousClock.now
        var lines = 0
        var totalLines = 0
        var bytesRead = 0
    }
}
