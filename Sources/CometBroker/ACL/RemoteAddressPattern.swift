import Foundation

/// A `whiteRemoteAddress` / `globalWhiteRemoteAddresses` entry, as RocketMQ 4.9.8's
/// `RemoteAddressStrategyFactory` reads it.
///
/// Forms: blank (matches nothing); `*`, `*.*.*.*`, `*:*:*:*:*:*:*:*` (everything); `a.b.c.{1,2}` (the
/// listed last parts); `ip1,ip2` (exact addresses); `192.168.1.*`, `192.168.1.1-100`, `192.168.*.*`
/// (a range on the first wildcard or range segment; later segments are ignored, as upstream does);
/// a plain address (exact; IPv6 compared after expansion). Malformed entries fail at load time.
package enum RemoteAddressPattern: Sendable, Equatable {
    case nothing
    case everything
    case anyOf(Set<String>)
    case one(String)
    /// `head` is the text before the ranged segment (`192.168.` for `192.168.1-9.*`), `index` the
    /// ranged segment's position; IPv6 heads are expanded and upper-cased.
    case range(head: String, index: Int, start: Int, end: Int, ipv6: Bool)

    /// Parses one entry; throws the message upstream's `AclException` carries.
    package init(_ text: String) throws(ACLError) {
        let entry = text
        if entry.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            self = .nothing
            return
        }
        if entry == "*" || entry == "*.*.*.*" || entry == "*:*:*:*:*:*:*:*" {
            self = .everything
            return
        }
        if entry.hasSuffix("}") {
            let separator: Character = entry.contains(":") ? ":" : "."
            let parts = entry.split(separator: separator, omittingEmptySubsequences: true)
            guard separator == ":" || parts.count >= 4 else {
                throw ACLError.load("MultipleRemoteAddressStrategy has got a/some wrong format IP(s) ")
            }
            guard let last = parts.last, last.hasPrefix("{") else {
                throw ACLError.load("MultipleRemoteAddressStrategy netaddress examine scope Exception netaddress")
            }
            let prefix = entry.dropLast(last.count)
            let members = last.dropFirst().dropLast().split(separator: ",").map { String(prefix) + $0.trimmed }
            self = .anyOf(try Self.addressSet(members))
            return
        }
        if entry.contains(",") {
            self = .anyOf(try Self.addressSet(entry.split(separator: ",").map(String.init)))
            return
        }
        if entry.contains("*") || entry.contains("-") {
            self = try Self.range(entry)
            return
        }
        guard IPAddressText.isIPv4(entry) || IPAddressText.isIPv6(entry) else {
            throw ACLError.load("Netaddress examine Exception netaddress is \(entry)")
        }
        self = .one(entry)
    }

    /// Whether the peer's address (no port) matches.
    package func matches(_ address: String) -> Bool {
        switch self {
        case .nothing: return false
        case .everything: return true
        case .anyOf(let set):
            if IPAddressText.isIPv6(address) { return set.contains(IPAddressText.expandIPv6(address) ?? address) }
            return set.contains(address)
        case .one(let expected):
            return Self.expandedUpper(expected) == Self.expandedUpper(address)
        case .range(let head, let index, let start, let end, let ipv6):
            if !ipv6, IPAddressText.isIPv4(address), address.hasPrefix(head) {
                let rest = address.dropFirst(head.count)
                let segment = rest.split(separator: ".", omittingEmptySubsequences: false).first ?? ""
                guard let value = Int(segment) else { return false }
                return value >= start && value <= end
            }
            if ipv6, IPAddressText.isIPv6(address), let expanded = IPAddressText.expandIPv6(address)?.uppercased(),
                expanded.hasPrefix(head)
            {
                let groups = expanded.split(separator: ":")
                guard index < groups.count, let value = Int(groups[index], radix: 16) else { return false }
                return value >= start && value <= end
            }
            return false
        }
    }

    private static func expandedUpper(_ address: String) -> String {
        (IPAddressText.isIPv6(address) ? IPAddressText.expandIPv6(address) ?? address : address).uppercased()
    }

    private static func addressSet(_ members: [String]) throws(ACLError) -> Set<String> {
        var set: Set<String> = []
        for member in members {
            if IPAddressText.isIPv4(member) {
                set.insert(member)
            } else if IPAddressText.isIPv6(member), let expanded = IPAddressText.expandIPv6(member) {
                set.insert(expanded)
            } else {
                throw ACLError.load("Netaddress examine Exception netaddress is \(member)")
            }
        }
        return set
    }

    private static func range(_ entry: String) throws(ACLError) -> RemoteAddressPattern {
        let ipv6 = entry.contains(":")
        let separator: Character = ipv6 ? ":" : "."
        let parts = entry.split(separator: separator, omittingEmptySubsequences: false).map { $0.trimmed }
        let limit = ipv6 ? 0xFFFF : 255
        for index in 1..<max(1, parts.count) {
            let value = parts[index]
            var bounds: (Int, Int)?
            if value == "*" {
                bounds = (0, limit)
            } else if value.contains("-") {
                let ends = value.split(separator: "-", omittingEmptySubsequences: true)
                guard !value.hasPrefix("-"), ends.count == 2, let low = Int(ends[0], radix: ipv6 ? 16 : 10),
                    let high = Int(ends[1], radix: ipv6 ? 16 : 10)
                else {
                    throw ACLError.load("RangeRemoteAddressStrategy netaddress examine scope Exception value \(value) ")
                }
                guard low >= 0, high <= limit, low <= high else {
                    throw ACLError.load(
                        "RangeRemoteAddressStrategy netaddress examine scope Exception start is \(low) , end is \(high)"
                    )
                }
                bounds = (low, high)
            }
            guard let (start, end) = bounds, end > 0 else { continue }
            // Segments before the range must be plain numbers.
            for earlier in parts[..<index]
            where Int(earlier, radix: ipv6 ? 16 : 10) == nil && !(ipv6 && earlier.isEmpty) {
                throw ACLError.load("Netaddress examine scope Exception netaddress is \(entry)")
            }
            if ipv6 {
                let prefix = parts[..<index].joined(separator: ":")
                let padded = prefix + String(repeating: ":0", count: 8 - index)
                guard let expanded = IPAddressText.expandIPv6(padded)?.uppercased() else {
                    throw ACLError.load("Netaddress examine scope Exception netaddress is \(entry)")
                }
                let head = expanded.split(separator: ":").prefix(index).map { $0 + ":" }.joined()
                return .range(head: head, index: index, start: start, end: end, ipv6: true)
            }
            let head = parts[..<index].map { $0 + "." }.joined()
            return .range(head: head, index: index, start: start, end: end, ipv6: false)
        }
        throw ACLError.load("Netaddress examine scope Exception netaddress is \(entry)")
    }
}

/// Text checks on IP addresses without touching the network.
enum IPAddressText {
    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) && Int($0)! <= 255 }
    }

    static func isIPv6(_ text: String) -> Bool { expandIPv6(text) != nil }

    /// `::1` → `0000:0000:0000:0000:0000:0000:0000:0001`; nil when not an IPv6 address.
    static func expandIPv6(_ text: String) -> String? {
        guard text.contains(":") else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String) -> [Substring]? {
            if s.isEmpty { return [] }
            let g = s.split(separator: ":", omittingEmptySubsequences: false)
            guard g.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isHexDigit) }) else { return nil }
            return g
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: "0", count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.map { String(repeating: "0", count: 4 - $0.count) + $0.lowercased() }.joined(separator: ":")
    }
}

extension Substring {
    var trimmed: String {
        String(self).trimmingCharacters(in: .whitespaces)
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
