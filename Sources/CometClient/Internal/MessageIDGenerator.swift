import CometCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Generates `UNIQ_KEY` ids in Java's layout: IPv4 ‖ pid (2) ‖ random (4) ‖ ms since month start
/// (4) ‖ counter (2), as 32 uppercase hex digits. Unique per process and sortable by time.
final class MessageIDGenerator: Sendable {
    private let prefix: String
    private let counter = Atomic<UInt32>(0)
    private let monthStart: Int64

    init(ip: String) {
        var bytes = ip.split(separator: ".").compactMap { UInt8($0) }
        if bytes.count != 4 { bytes = [127, 0, 0, 1] }
        let pid = UInt16(truncatingIfNeeded: getpid())
        bytes += [UInt8(pid >> 8), UInt8(pid & 0xFF)]
        let random = UInt32.random(in: .min ... .max)
        bytes += withUnsafeBytes(of: random.bigEndian) { Array($0) }
        prefix = Hex.encode(bytes, uppercase: true)
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        parts.tm_mday = 1
        parts.tm_hour = 0
        parts.tm_min = 0
        parts.tm_sec = 0
        monthStart = Int64(timegm(&parts)) * 1000
    }

    /// The next id, written straight into the string's storage (one allocation).
    func next(nowMillis: Int64) -> String {
        let elapsed = UInt32(truncatingIfNeeded: nowMillis - monthStart)
        let count = UInt16(truncatingIfNeeded: counter.add(1, ordering: .relaxed).newValue)
        let tail = UInt64(elapsed) << 16 | UInt64(count)
        return String(unsafeUninitializedCapacity: 32) { out in
            var i = 0
            for byte in prefix.utf8 {
                out[i] = byte
                i += 1
            }
            // 6 tail bytes = 12 hex digits, most significant first.
            for shift in stride(from: 44, through: 0, by: -4) {
                out[i] = Self.digits[Int((tail >> UInt64(shift)) & 0xF)]
                i += 1
            }
            return i
        }
    }

    private static let digits = Hex.uppercaseDigits
}
