import Foundation
import Prometheus

#if canImport(Glibc)
import Glibc
#endif

/// The standard `process_*` series (RSS, CPU seconds, open files), read from `/proc/self` at
/// scrape time. On systems without `/proc` they are left out.
struct ProcessMetrics: Sendable {
    let residentMemory: Gauge
    let virtualMemory: Gauge
    let cpuSeconds: Gauge
    let openFiles: Gauge
    let maxFiles: Gauge
    let startTime: Gauge

    init(registry: PrometheusCollectorRegistry) {
        residentMemory = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "process_resident_memory_bytes", unitName: "", helpText: "Resident memory size in bytes."))
        virtualMemory = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "process_virtual_memory_bytes", unitName: "", helpText: "Virtual memory size in bytes."))
        cpuSeconds = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "process_cpu_seconds_total", unitName: "",
                helpText: "Total user and system CPU time spent in seconds."))
        openFiles = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "process_open_fds", unitName: "", helpText: "Number of open file descriptors."))
        maxFiles = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "process_max_fds", unitName: "", helpText: "Maximum number of open file descriptors."))
        startTime = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "process_start_time_seconds", unitName: "",
                helpText: "Start time of the process since the Unix epoch in seconds."))
    }

    /// Reads the figures now.
    func update() {
        #if os(Linux)
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            // Fields after "(comm)": state is field 3; utime 14, stime 15, starttime 22, vsize 23, rss 24.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            func field(_ number: Int) -> Double { fields.count > number - 3 ? Double(fields[number - 3]) ?? 0 : 0 }
            cpuSeconds.set((field(14) + field(15)) / ticks)
            virtualMemory.set(field(23))
            residentMemory.set(field(24) * pageSize)
            if let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
                let up = Double(uptime.split(separator: " ").first ?? "")
            {
                let bootTime = Date().timeIntervalSince1970 - up
                startTime.set(bootTime + field(22) / ticks)
            }
        }
        if let files = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            openFiles.set(Double(files.count))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { maxFiles.set(Double(limit.rlim_cur)) }
        #endif
    }
}
