package import CometCore

/// One window of a statistic (RocketMQ `BrokerStatsItem`).
package struct BrokerStatsItem: Sendable, Hashable, Codable {
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

    init(json: JSONValue?) throws(CometError) {
        guard let json else {
            self.init(sum: 0, tps: 0, avgpt: 0)
            return
        }
        let r = try JSONObjectReader(json, "brokerStatsItem")
        self.init(
            sum: try r.int64("sum", default: 0), tps: r.members["tps"]?.stringValue.flatMap(Double.init) ?? 0,
            avgpt: r.members["avgpt"]?.stringValue.flatMap(Double.init) ?? 0)
    }

    var json: JSONValue { .object(["sum": .int(sum), "tps": .double(tps), "avgpt": .double(avgpt)]) }
}

/// VIEW_BROKER_STATS_DATA (315) response body (RocketMQ `BrokerStatsData`): a statistic over the
/// last minute, hour and day.
package struct BrokerStatsData: JSONBody, Hashable, Codable {
    package var statsMinute: BrokerStatsItem
    package var statsHour: BrokerStatsItem
    package var statsDay: BrokerStatsItem

    package init(statsMinute: BrokerStatsItem, statsHour: BrokerStatsItem, statsDay: BrokerStatsItem) {
        self.statsMinute = statsMinute
        self.statsHour = statsHour
        self.statsDay = statsDay
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "brokerStatsData")
        statsMinute = try BrokerStatsItem(json: r.members["statsMinute"])
        statsHour = try BrokerStatsItem(json: r.members["statsHour"])
        statsDay = try BrokerStatsItem(json: r.members["statsDay"])
    }

    package var json: JSONValue {
        .object(["statsMinute": statsMinute.json, "statsHour": statsHour.json, "statsDay": statsDay.json])
    }
}

/// How far a group is behind in time on one queue (RocketMQ `QueueTimeSpan`).
package struct QueueTimeSpan: Sendable, Hashable {
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

    init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "queueTimeSpan")
        messageQueue = try MessageQueue(json: r.members["messageQueue"] ?? .null)
        minTimeStamp = try r.int64("minTimeStamp", default: 0)
        maxTimeStamp = try r.int64("maxTimeStamp", default: 0)
        consumeTimeStamp = try r.int64("consumeTimeStamp", default: 0)
        delayTime = try r.int64("delayTime", default: 0)
    }

    /// Java's getters include the `…Str` forms (`yyyy-MM-dd#HH:mm:ss:SSS`, broker local time).
    func json(format: (Int64) -> String) -> JSONValue {
        .object([
            "messageQueue": messageQueue.json, "minTimeStamp": .int(minTimeStamp), "maxTimeStamp": .int(maxTimeStamp),
            "consumeTimeStamp": .int(consumeTimeStamp), "delayTime": .int(delayTime),
            "minTimeStampStr": .string(format(minTimeStamp)), "maxTimeStampStr": .string(format(maxTimeStamp)),
            "consumeTimeStampStr": .string(format(consumeTimeStamp)),
        ])
    }
}

/// QUERY_CONSUME_TIME_SPAN (303) response body (RocketMQ `QueryConsumeTimeSpanBody`).
package struct QueryConsumeTimeSpanBody: JSONBody, Hashable {
    package var consumeTimeSpanSet: [QueueTimeSpan]
    /// Formats the `…Str` members; defaults to UTC when the broker does not supply its zone.
    package var format: @Sendable (Int64) -> String = QueryConsumeTimeSpanBody.utcFormat

    package init(consumeTimeSpanSet: [QueueTimeSpan]) { self.consumeTimeSpanSet = consumeTimeSpanSet }

    package init(json: JSONValue) throws(CometError) {
        var spans: [QueueTimeSpan] = []
        for s in try JSONObjectReader(json, "queryConsumeTimeSpanBody").array("consumeTimeSpanSet") {
            spans.append(try QueueTimeSpan(json: s))
        }
        consumeTimeSpanSet = spans
    }

    package var json: JSONValue {
        .object(["consumeTimeSpanSet": .array(consumeTimeSpanSet.map { $0.json(format: format) })])
    }

    package static func == (a: Self, b: Self) -> Bool { a.consumeTimeSpanSet == b.consumeTimeSpanSet }
    package func hash(into hasher: inout Hasher) { hasher.combine(consumeTimeSpanSet) }

    /// `yyyy-MM-dd#HH:mm:ss:SSS` in UTC (Java's `UtilAll.timeMillisToHumanString2` uses local time).
    package static let utcFormat: @Sendable (Int64) -> String = { millis in
        let days = Int64((Double(millis) / 86_400_000).rounded(.down))
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
