/// A host field of a stored message: IPv4 (4 bytes) or IPv6 (16 bytes) address plus an int32 port.
package struct MessageHost: Sendable, Hashable, CustomStringConvertible {
    /// Raw address bytes in network order; 4 (IPv4) or 16 (IPv6) bytes.
    package var address: [UInt8]
    /// Port number.
    package var port: Int32

    /// Creates a host; `address` must hold 4 or 16 bytes (other lengths are padded/truncated to 4).
    package init(address: [UInt8], port: Int32) {
        if address.count == 4 || address.count == 16 {
            self.address = address
        } else {
            self.address = Array((address + [0, 0, 0, 0]).prefix(4))
        }
        self.port = port
    }

    /// Parses a dotted IPv4 string such as `"127.0.0.1"`; returns nil if malformed.
    package init?(ipv4: String, port: Int32) {
        let parts = ipv4.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        self.init(address: bytes, port: port)
    }

    /// `0.0.0.0:0`.
    package static let unspecified = MessageHost(address: [0, 0, 0, 0], port: 0)

    /// Whether the address is IPv6 (16 bytes).
    package var isIPv6: Bool { address.count == 16 }

    /// Encoded size in a record: address plus 4-byte port.
    package var encodedLength: Int { address.count + 4 }

    /// `ip:port` text (IPv6 as colon-separated hex groups).
    package var description: String {
        if isIPv6 {
            var groups: [String] = []
            for index in stride(from: 0, to: 16, by: 2) {
                groups.append(String(UInt16(address[index]) << 8 | UInt16(address[index + 1]), radix: 16))
            }
            return "[\(groups.joined(separator: ":"))]:\(port)"
        }
        return "\(address.map(String.init).joined(separator: ".")):\(port)"
    }
}
