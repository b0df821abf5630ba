/// A `host:port` address as operators write it (`127.0.0.1:9876`, `[::1]:9876`, `localhost:10911`).
package struct HostAndPort: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; the port must be 0...65535 (0 asks the OS for an ephemeral port).
    package init(parsing text: String) throws(CometError) {
        let trimmed = text.trimmingCharacters(in: " ")
        let hostPart: Substring
        let portPart: Substring
        if trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") {
            hostPart = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let rest = trimmed[trimmed.index(after: close)...]
            guard rest.hasPrefix(":") else { throw Self.invalid(text) }
            portPart = rest.dropFirst()
        } else {
            guard let colon = trimmed.lastIndex(of: ":") else { throw Self.invalid(text) }
            hostPart = trimmed[..<colon]
            portPart = trimmed[trimmed.index(after: colon)...]
        }
        guard !hostPart.isEmpty, let port = Int(portPart), (0...65535).contains(port) else { throw Self.invalid(text) }
        self.host = String(hostPart)
        self.port = port
    }

    /// Parses a `;`-separated list, as RocketMQ's `namesrvAddr` is written.
    package static func parseList(_ text: String) throws(CometError) -> [HostAndPort] {
        var result: [HostAndPort] = []
        for part in text.split(separator: ";") where !part.trimmingCharacters(in: " ").isEmpty {
            result.append(try HostAndPort(parsing: String(part)))
        }
        guard !result.isEmpty else { throw invalid(text) }
        return result
    }

    private static func invalid(_ text: String) -> CometError {
        CometError(.invalidConfiguration, "'\(text)' is not an address of the form HOST:PORT")
    }

    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension StringProtocol {
    /// The text without leading and trailing occurrences of `character`.
    package func trimmingCharacters(in character: Character) -> String {
        var s = Substring(self)
        while s.first == character { s.removeFirst() }
        while s.last == character { s.removeLast() }
        return String(s)
    }
}
