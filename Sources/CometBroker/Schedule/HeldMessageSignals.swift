package import CometCore

/// Wakes the loops that deliver held messages (delay levels, timer, transaction checks) when
/// their system topic gets a record, so each sleeps until its next due time instead of polling
/// the store.
package struct HeldMessageSignals: Sendable {
    /// `SCHEDULE_TOPIC_XXXX` got a delayed message.
    package let schedule = WakeSignal()
    /// `rmq_sys_wheel_timer` got a timer message or a recall.
    package let timer = WakeSignal()
    /// A half message or a resolution was stored.
    package let transactions = WakeSignal()

    /// Signals for a new broker.
    package init() {}

    /// Rings the signal of the loop that reads `topic`, if any (the store reports every append).
    package func messageArrived(topic: String) {
        switch topic {
        case MessageScheduler.scheduleTopic: schedule.ring()
        case MessageScheduler.timerTopic: timer.ring()
        case MessageScheduler.halfTopic, MessageScheduler.opTopic: transactions.ring()
        default: break
        }
    }
}
