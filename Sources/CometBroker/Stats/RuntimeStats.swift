/// Broker-wide put/get figures behind GET_BROKER_RUNTIME_INFO (RocketMQ `StoreStatsService` and
/// `BrokerStats`). A pure value; ``BrokerStatsManager`` locks it and passes the time.
struct RuntimeStats: Sendable {
    /// Upper bounds (ms) of the put-latency buckets, as RocketMQ prints them.
    static let latencyBuckets: [(limit: Int64, label: String)] = [
        (0, "<=0ms"), (10, "0~10ms"), (50, "10~50ms"), (100, "50~100ms"), (200, "100~200ms"), (500, "200~500ms"),
        (1000, "500ms~1s"), (2000, "1~2s"), (3000, "2~3s"), (4000, "3~4s"), (5000, "4~5s"), (10000, "5~10s"),
        (Int64.max, "10s~"),
    ]
    static let dayMillis: Int64 = 86_400_000

    let bootTimestamp: Int64
    private(set) var putMessages: Int64 = 0
    private(set) var putBytes: Int64 = 0
    private(set) var putCalls: Int64 = 0
    private(set) var putFailures: Int64 = 0
    private(set) var putMaxLatency: Int64 = 0
    private(set) var getTransferred: Int64 = 0
    private var latency = Array(repeating: Int64(0), count: RuntimeStats.latencyBuckets.count)
    /// Per second, the last 600 s: messages put, pulls that found something (times = pulls) and
    /// pulls that found nothing.
    private var putWindow = RollingWindow(slots: 601, width: 1000)
    private var getFoundWindow = RollingWindow(slots: 601, width: 1000)
    private var getMissWindow = RollingWindow(slots: 601, width: 1000)
    private var putLatencyRecent: [Int64] = []
    /// Totals at the start of the current and the previous day (UTC), for the `…Morning` keys.
    private var day: Int64
    private var putAtTodayMorning: Int64 = 0
    private var putAtYesterdayMorning: Int64 = 0
    private var getAtTodayMorning: Int64 = 0
    private var getAtYesterdayMorning: Int64 = 0

    init(now: Int64) {
        bootTimestamp = now
        day = now / Self.dayMillis
    }

    mutating func recordPut(messages: Int64, bytes: Int64, latencyMillis: Int64, now: Int64) {
        rollDay(now)
        putMessages &+= messages
        putBytes &+= bytes
        putCalls &+= 1
        putMaxLatency = max(putMaxLatency, latencyMillis)
        let index = Self.latencyBuckets.firstIndex { latencyMillis <= $0.limit } ?? latency.count - 1
        latency[index] &+= 1
        putWindow.add(messages, now: now)
        putLatencyRecent.append(latencyMillis)
        if putLatencyRecent.count > 10_000 { putLatencyRecent.removeFirst(putLatencyRecent.count - 10_000) }
    }

    mutating func recordPutFailure(now: Int64) {
        rollDay(now)
        putFailures &+= 1
    }

    mutating func recordGet(messages: Int64, now: Int64) {
        rollDay(now)
        if messages > 0 {
            getTransferred &+= messages
            getFoundWindow.add(messages, now: now)
        } else {
            getMissWindow.add(1, now: now)
        }
    }

    private mutating func rollDay(_ now: Int64) {
        let today = now / Self.dayMillis
        guard today != day else { return }
        putAtYesterdayMorning = today == day + 1 ? putAtTodayMorning : putMessages
        getAtYesterdayMorning = today == day + 1 ? getAtTodayMorning : getTransferred
        putAtTodayMorning = putMessages
        getAtTodayMorning = getTransferred
        day = today
    }

    /// `t10 t60 t600`: rate over the last 10, 60 and 600 complete seconds; a part is empty until
    /// the broker has run that long.
    private func tps(_ window: RollingWindow, now: Int64, calls: Bool = false) -> String {
        [10, 60, 600].map { seconds -> String in
            guard now - bootTimestamp >= Int64(seconds) * 1000 else { return "" }
            let total = window.total(last: seconds, now: now)
            return "\(Double(calls ? total.times : total.sum) / Double(seconds))"
        }.joined(separator: " ")
    }

    private func percentile(_ p: Double) -> Double {
        guard !putLatencyRecent.isEmpty else { return 0 }
        let sorted = putLatencyRecent.sorted()
        return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
    }

    func info(now: Int64) -> [String: String] {
        var copy = self
        copy.rollDay(now)
        let runtime = (now - bootTimestamp) / 1000
        let distribution = zip(Self.latencyBuckets, latency).map { "[\($0.label)]:\($1) " }.joined()
        let getFound = tps(getFoundWindow, now: now)
        let getMiss = tps(getMissWindow, now: now)
        // The total rate is found + missed, per part.
        let totalParts = zip(
            getFound.split(separator: " ", omittingEmptySubsequences: false),
            getMiss.split(separator: " ", omittingEmptySubsequences: false)
        ).map { a, b -> String in
            guard let x = Double(a), let y = Double(b) else { return "" }
            return "\(x + y)"
        }
        return [
            "bootTimestamp": "\(bootTimestamp)",
            "runtime":
                "[ \(runtime / 86400) days, \(runtime / 3600 % 24) hours, \(runtime / 60 % 60) minutes, \(runtime % 60) seconds ]",
            "putTps": tps(putWindow, now: now),
            "getFoundTps": getFound, "getMissTps": getMiss, "getTotalTps": totalParts.joined(separator: " "),
            "getTransferedTps": getFound,
            "putMessageTimesTotal": "\(max(1, putMessages))",
            "putMessageSizeTotal": "\(putBytes)",
            "putMessageAverageSize": "\(putMessages == 0 ? 0.0 : Double(putBytes) / Double(putMessages))",
            "putMessageFailedTimes": "\(putFailures)",
            "putMessageEntireTimeMax": "\(putMaxLatency)",
            "putMessageDistributeTime": distribution,
            "putLatency99": String(format2: percentile(0.99)),
            "putLatency999": String(format2: percentile(0.999)),
            "msgPutTotalTodayNow": "\(putMessages)",
            "msgGetTotalTodayNow": "\(getTransferred)",
            "msgPutTotalTodayMorning": "\(copy.putAtTodayMorning)",
            "msgGetTotalTodayMorning": "\(copy.getAtTodayMorning)",
            "msgPutTotalYesterdayMorning": "\(copy.putAtYesterdayMorning)",
            "msgGetTotalYesterdayMorning": "\(copy.getAtYesterdayMorning)",
        ]
    }
}

extension String {
    /// `%.2f`.
    init(format2 value: Double) {
        let scaled = (value * 100).rounded()
        let whole = Int64(scaled / 100)
        let fraction = Int64(abs(scaled.truncatingRemainder(dividingBy: 100)))
        self = "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
