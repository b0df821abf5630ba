/// One window of a statistic (RocketMQ `BrokerStatsItem`).
package struct BrokerStatsItem: JSONBody, Hashable {
    /// Total added in the window.
    package var sum: Int64
    /// `sum` per second over the window.
    package var tps: Double
    /// Average added per call (e.g. bytes per send) in the window.
    package var avgpt: Double

    package init(sum: Int64, tps: Double, avgpt: Double) {
        self.sum = sum
        self.tps = tps
        self.avgpt = avgpt
    }

    package static let fieldDefaults: [String: JSONValue] = ["sum": 0, "tps": .number("0.0"), "avgpt": .number("0.0")]
}

/// VIEW_BROKER_STATS_DATA (315) response body (RocketMQ `BrokerStatsData`): a statistic over the
/// last minute, hour and day.
package struct BrokerStatsData: JSONBody, Hashable {
    package var statsMinute: BrokerStatsItem
    package var statsHour: BrokerStatsItem
    package var statsDay: BrokerStatsItem

    package init(statsMinute: BrokerStatsItem, statsHour: BrokerStatsItem, statsDay: BrokerStatsItem) {
        self.statsMinute = statsMinute
        self.statsHour = statsHour
        self.statsDay = statsDay
    }
}

/// How far a group is behind in time on one queue (RocketMQ `QueueTimeSpan`). Java's getters add
/// the `…Str` forms (`yyyy-MM-dd#HH:mm:ss:SSS`); Comet writes them in UTC.
package struct QueueTimeSpan: JSONBody, Hashable {
    package var messageQueue: MessageQueue
    package var minTimeStamp: Int64
    package var maxTimeStamp: Int64
    package var consumeTimeStamp: Int64
    package var delayTime: Int64

    package init(
        messageQueue: MessageQueue, minTimeStamp: Int64, maxTimeStamp: Int64, consumeTimeStamp: Int64, delayTime: Int64
    ) {
        self.messageQueue = messageQueue
        self.minTimeStamp = minTimeStamp
        self.maxTimeStamp = maxTimeStamp
        self.consumeTimeStamp = consumeTimeStamp
        self.delayTime = delayTime
    }

    package static let fieldDefaults: [String: JSONValue] = [
        "minTimeStamp": 0, "maxTimeStamp": 0, "consumeTimeStamp": 0, "delayTime": 0,
    ]

    private enum CodingKeys: String, CodingKey {
        case messageQueue, minTimeStamp, maxTimeStamp, consumeTimeStamp, delayTime
        case minTimeStampStr, maxTimeStampStr, consumeTimeStampStr
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            messageQueue: try c.decode(MessageQueue.self, forKey: .messageQueue),
            minTimeStamp: try c.decode(Int64.self, forKey: .minTimeStamp),
            maxTimeStamp: try c.decode(Int64.self, forKey: .maxTimeStamp),
            consumeTimeStamp: try c.decode(Int64.self, forKey: .consumeTimeStamp),
            delayTime: try c.decode(Int64.self, forKey: .delayTime))
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(messageQueue, forKey: .messageQueue)
        try c.encode(minTimeStamp, forKey: .minTimeStamp)
        try c.encode(maxTimeStamp, forKey: .maxTimeStamp)
        try c.encode(consumeTimeStamp, forKey: .consumeTimeStamp)
        try c.encode(delayTime, forKey: .delayTime)
        try c.encode(Self.format(minTimeStamp), forKey: .minTimeStampStr)
        try c.encode(Self.format(maxTimeStamp), forKey: .maxTimeStampStr)
        try c.encode(Self.format(consumeTimeStamp), forKey: .consumeTimeStampStr)
    }

    /// `yyyy-MM-dd#HH:mm:ss:SSS` in UTC (Java's `UtilAll.timeMillisToHumanString2` uses local time).
    package static func format(_ millis: Int64) -> String {
        let days = millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
        let msOfDay = millis - days * 86_400_000
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))#\(pad(msOfDay / 3_600_000, 2)):"
            + "\(pad(msOfDay / 60_000 % 60, 2)):\(pad(msOfDay / 1000 % 60, 2)):\(pad(msOfDay % 1000, 3))"
    }
}

/// QUERY_CONSUME_TIME_SPAN (303) response body (RocketMQ `QueryConsumeTimeSpanBody`).
package struct QueryConsumeTimeSpanBody: JSONBody, Hashable {
    package var consumeTimeSpanSet: [QueueTimeSpan]

    package init(consumeTimeSpanSet: [QueueTimeSpan]) { self.consumeTimeSpanSet = consumeTimeSpanSet }
}
