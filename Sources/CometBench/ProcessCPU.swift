import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// CPU seconds (user + system) a process has used, for "CPU per message" figures.
///
/// The bench itself is read with `getrusage` (microsecond resolution); another process, such as
/// a broker given by `--broker-pid`, from `/proc/PID/stat` (clock ticks, usually 10 ms: quote
/// figures from runs of several seconds).
enum ProcessCPU {
    /// User + system seconds of this process, every thread included.
    static func ownSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// User + system seconds of process `pid`, or nil when it cannot be read (gone, not Linux).
    static func seconds(ofProcess pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        // The command name (field 2) is in parentheses and may contain spaces: split after it.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // Fields after the name start at 3 (state); utime and stime are fields 14 and 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) / (ticks > 0 ? ticks : 100)
    }

    private static func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1e6
    }
}

/// CPU used by the bench and (optionally) the broker between `start` and `finish`.
struct CPUSample {
    let brokerPID: Int32?
    private var ownStart: Double
    private var brokerStart: Double?

    /// Takes the starting readings.
    init(brokerPID: Int32?) {
        self.brokerPID = brokerPID
        ownStart = ProcessCPU.ownSeconds()
        brokerStart = brokerPID.flatMap(ProcessCPU.seconds(ofProcess:))
    }

    /// Summary entries: CPU seconds since `init` and µs per message for the bench ("client") and
    /// the broker.
    func summary(messages: Int) -> [String: Any] {
        let own = ProcessCPU.ownSeconds() - ownStart
        var result: [String: Any] = ["client_cpu_s": own]
        if messages > 0 { result["client_cpu_us_per_msg"] = own / Double(messages) * 1e6 }
        if let brokerPID, let brokerStart, let now = ProcessCPU.seconds(ofProcess: brokerPID) {
            result["broker_cpu_s"] = now - brokerStart
            if messages > 0 { result["broker_cpu_us_per_msg"] = (now - brokerStart) / Double(messages) * 1e6 }
        }
        return result
    }
}
