import CometCore
import CometProtocol
import NIOCore

/// The calls a connection waits on, by `opaque`, and the one timer that fails them when late.
///
/// A timer per call costs a scheduled task (an allocation and a heap insertion on the event loop)
/// for every request, although nearly all are answered long before. Instead one timer is armed for
/// the earliest deadline; when it fires it fails what is due and re-arms for the next deadline.
/// Each arming gets a new generation so a superseded timer that still fires does no harm.
/// A pure state machine: the connection holds it under a lock and schedules what it returns.
struct PendingCalls {
    /// A call waiting for its response.
    struct Call {
        var promise: EventLoopPromise<RemotingCommand>
        var deadline: NIODeadline
        var code: Int32
        var timeout: Duration
    }

    /// "Schedule a sweep at `deadline` for `generation`".
    struct TimerRequest {
        var deadline: NIODeadline
        var generation: UInt64
    }

    private var calls: [Int32: Call] = [:]
    private var opaque: Int32 = 0
    /// The deadline the live timer is armed for, if any.
    private var armedDeadline: NIODeadline?
    private var generation: UInt64 = 0
    private var timer: Scheduled<Void>?
    /// Set once the channel closed: new calls fail with it.
    private(set) var closedError: CometError?

    /// The next request id (wraps to 0 after `Int32.max`).
    mutating func nextOpaque() -> Int32 {
        let next = opaque
        opaque = next == Int32.max ? 0 : next + 1
        return next
    }

    /// Registers a call; returns its opaque and, when its deadline is the earliest, a timer to arm.
    mutating func register(
        _ promise: EventLoopPromise<RemotingCommand>, code: Int32, timeout: Duration, deadline: NIODeadline
    ) throws(CometError) -> (Int32, TimerRequest?) {
        if let closedError { throw closedError }
        let id = nextOpaque()
        calls[id] = Call(promise: promise, deadline: deadline, code: code, timeout: timeout)
        if let armedDeadline, armedDeadline <= deadline { return (id, nil) }
        return (id, arm(deadline))
    }

    /// Removes and returns the call `opaque` (answered, cancelled or failed to send).
    mutating func take(_ opaque: Int32) -> Call? {
        calls.removeValue(forKey: opaque)
    }

    /// Keeps `scheduled` as the live timer if it is still the current generation; otherwise (or
    /// for the timer it replaces) returns what the caller must cancel.
    mutating func installTimer(_ scheduled: Scheduled<Void>, generation: UInt64) -> Scheduled<Void>? {
        guard generation == self.generation, closedError == nil else { return scheduled }
        defer { timer = scheduled }
        return timer
    }

    /// Removes the calls due at `now`. The sweep of the current generation also decides the next
    /// timer (for the earliest remaining deadline); a superseded one only removes what is due.
    mutating func expire(now: NIODeadline, generation: UInt64) -> ([Call], TimerRequest?) {
        var due: [Int32] = []
        var earliest: NIODeadline?
        for (id, call) in calls {
            if call.deadline <= now {
                due.append(id)
            } else if earliest.map({ call.deadline < $0 }) ?? true {
                earliest = call.deadline
            }
        }
        let expired = due.compactMap { calls.removeValue(forKey: $0) }
        guard generation == self.generation, closedError == nil else { return (expired, nil) }
        timer = nil
        armedDeadline = nil
        return (expired, earliest.map { arm($0) })
    }

    /// Refuses new calls with `error`; returns the waiting calls (to fail) and the timer to cancel.
    mutating func close(_ error: CometError) -> ([Call], Scheduled<Void>?) {
        closedError = error
        let waiting = Array(calls.values)
        calls.removeAll()
        defer { timer = nil }
        armedDeadline = nil
        generation &+= 1
        return (waiting, timer)
    }

    private mutating func arm(_ deadline: NIODeadline) -> TimerRequest {
        armedDeadline = deadline
        generation &+= 1
        return TimerRequest(deadline: deadline, generation: generation)
    }
}
