package import CometCore

extension MessagePropertyKey {
    /// 5.x absolute deliver time in ms (storage-format.md §11).
    package static let timerDeliverMs = "TIMER_DELIVER_MS"
    /// 5.x relative delay in seconds.
    package static let timerDelaySec = "TIMER_DELAY_SEC"
    /// 5.x relative delay in milliseconds.
    package static let timerDelayMs = "TIMER_DELAY_MS"
    /// Deliver time the broker computed for a timer message (ms).
    package static let timerOutMs = "TIMER_OUT_MS"
    /// How often the broker has asked the producer about a half message.
    package static let transactionCheckTimes = "TRANSACTION_CHECK_TIMES"
    /// Seconds before the first check of a half message (overrides `transactionTimeOut`).
    package static let checkImmunityTimeInSeconds = "CHECK_IMMUNITY_TIME_IN_SECONDS"
}

/// Decides where a message is stored when it is not for consumers yet: delay levels go to
/// `SCHEDULE_TOPIC_XXXX` (queue = level − 1), deliver-at times to `rmq_sys_wheel_timer`, half
/// messages to `RMQ_SYS_TRANS_HALF_TOPIC`, each remembering `REAL_TOPIC`/`REAL_QID`; and builds
/// the message to deliver when it is due (``restore(_:storeHost:)``).
package struct MessageScheduler: Sendable {
    /// Topic holding delay-level messages, one queue per level.
    package static let scheduleTopic = "SCHEDULE_TOPIC_XXXX"
    /// Topic holding deliver-at (timer) messages, queue 0.
    package static let timerTopic = "rmq_sys_wheel_timer"
    /// Topic holding transactional half messages, queue 0.
    package static let halfTopic = "RMQ_SYS_TRANS_HALF_TOPIC"
    /// Topic holding transaction resolutions ("op" messages), queue 0.
    package static let opTopic = "RMQ_SYS_TRANS_OP_HALF_TOPIC"
    /// Properties that only describe a pending delay; removed on delivery.
    static let schedulingProperties: [String] = [
        MessagePropertyKey.delayLevel, MessagePropertyKey.realTopic, MessagePropertyKey.realQueueID,
        MessagePropertyKey.timerDeliverMs, MessagePropertyKey.timerDelaySec, MessagePropertyKey.timerDelayMs,
        MessagePropertyKey.timerOutMs,
    ]
    /// Longest accepted `CHECK_IMMUNITY_TIME_IN_SECONDS`: one year (longer ones are refused at send).
    package static let maxImmunitySeconds: Int64 = 365 * 86_400

    /// A `CHECK_IMMUNITY_TIME_IN_SECONDS` value in ms, or nil when it is not a whole number in
    /// `0...maxImmunitySeconds`. `-1` means "the transaction timeout" as upstream, also nil.
    package static func immunityMillis(_ text: String) -> Int64? {
        guard let seconds = Int64(text.trimmingCharacters(in: " ")), seconds >= 0, seconds <= maxImmunitySeconds else {
            return nil
        }
        return seconds * 1000
    }

    /// Sysflag bits of the transaction type.
    static let transactionTypeMask: Int32 = 0xC

    /// The delay levels in force.
    package let levels: DelayLevelTable
    /// Whether deliver-at messages are accepted.
    package let timerEnabled: Bool
    /// Longest accepted deliver-at delay in ms.
    package let timerMaxDelayMillis: Int64

    /// A scheduler with the broker's delay levels and timer limits.
    package init(levels: DelayLevelTable, timerEnabled: Bool = true, timerMaxDelayMillis: Int64 = 3 * 86_400_000) {
        self.levels = levels
        self.timerEnabled = timerEnabled
        self.timerMaxDelayMillis = timerMaxDelayMillis
    }

    /// Rewrites a message a producer sent into the system topic that holds it until due, if it
    /// is a half message (`TRAN_MSG=true`), has a delay level or a deliver-at time. Returns it
    /// unchanged otherwise. A deliver-at time in the past means "now"; one too far ahead is an error.
    package func route(_ message: StoredMessage, now: Int64) throws(CometError) -> StoredMessage {
        var message = message
        if message.properties[MessagePropertyKey.transactionPrepared] == "true" {
            if let immunity = message.properties[MessagePropertyKey.checkImmunityTimeInSeconds],
                immunity != "-1", Self.immunityMillis(immunity) == nil
            {
                throw CometError(
                    .invalidArgument,
                    "\(MessagePropertyKey.checkImmunityTimeInSeconds) must be a whole number of seconds in 0...\(Self.maxImmunitySeconds)"
                )
            }
            message.sysFlag = MessageSysFlag(rawValue: message.sysFlag.rawValue & ~Self.transactionTypeMask)
            hold(&message, in: Self.halfTopic, queueID: 0)
            return message
        }
        return try routeDelayed(message, now: now)
    }

    /// Like ``route(_:now:)`` but for messages that are not (or no longer) half messages:
    /// committed transactions and sent-back retries.
    package func routeDelayed(_ message: StoredMessage, now: Int64) throws(CometError) -> StoredMessage {
        var message = message
        if let text = message.properties[MessagePropertyKey.delayLevel] {
            guard let requested = Int32(text.trimmingCharacters(in: " ")), let level = levels.level(for: requested)
            else {
                message.properties.removeValue(forKey: MessagePropertyKey.delayLevel)
                return message
            }
            message.properties[MessagePropertyKey.delayLevel] = String(level)
            hold(&message, in: Self.scheduleTopic, queueID: level - 1)
            return message
        }
        guard let deliverAt = try deliverTime(message.properties, now: now) else { return message }
        guard timerEnabled else {
            throw CometError(.invalidArgument, "timer messages are disabled on this broker (timerWheelEnable=false)")
        }
        guard deliverAt - now <= timerMaxDelayMillis else {
            throw CometError(
                .invalidArgument,
                "the deliver time is more than \(timerMaxDelayMillis / 1000) s ahead (timerMaxDelaySec)")
        }
        if deliverAt <= now {
            for key in Self.schedulingProperties { message.properties.removeValue(forKey: key) }
            return message
        }
        message.properties[MessagePropertyKey.timerOutMs] = String(deliverAt)
        hold(&message, in: Self.timerTopic, queueID: 0)
        return message
    }

    /// The absolute deliver time a message asks for through the 5.x timer properties, if any.
    package func deliverTime(_ properties: [String: String], now: Int64) throws(CometError) -> Int64? {
        func number(_ key: String) throws(CometError) -> Int64? {
            guard let text = properties[key] else { return nil }
            guard let value = Int64(text.trimmingCharacters(in: " ")), value >= 0 else {
                throw CometError(.invalidArgument, "property \(key)=\(text) is not a non-negative integer")
            }
            return value
        }
        if let at = try number(MessagePropertyKey.timerDeliverMs) { return at }
        if let seconds = try number(MessagePropertyKey.timerDelaySec) {
            return now &+ min(seconds, Int64.max / 2_000) * 1000
        }
        if let millis = try number(MessagePropertyKey.timerDelayMs) { return now &+ min(millis, Int64.max / 2) }
        return nil
    }

    private func hold(_ message: inout StoredMessage, in topic: String, queueID: Int32) {
        message.properties[MessagePropertyKey.realTopic] = message.topic
        message.properties[MessagePropertyKey.realQueueID] = String(message.queueID)
        message.topic = topic
        message.queueID = queueID
    }

    /// The message to put when a held one is due: its real topic and queue, its properties
    /// without the scheduling ones, its hosts, times, flags and reconsume count. `nil` if the
    /// record does not say where it belongs.
    package static func restore(_ held: StoredMessage, storeHost: MessageHost) -> StoredMessage? {
        guard let topic = held.properties[MessagePropertyKey.realTopic],
            let queueText = held.properties[MessagePropertyKey.realQueueID], let queueID = Int32(queueText),
            queueID >= 0
        else { return nil }
        var properties = held.properties
        for key in schedulingProperties { properties.removeValue(forKey: key) }
        return StoredMessage(
            topic: topic, queueID: queueID, body: held.body, properties: properties, flag: held.flag,
            sysFlag: held.sysFlag, bornTimestamp: held.bornTimestamp, bornHost: held.bornHost, storeHost: storeHost,
            reconsumeTimes: held.reconsumeTimes, preparedTransactionOffset: held.preparedTransactionOffset)
    }
}
