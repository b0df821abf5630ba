import Synchronization

/// A counter shared by the handlers of many connections (open connections, buffered bytes).
final class SharedCounter: Sendable {
    private let atomic = Atomic<Int>(0)

    init() {}

    var value: Int { atomic.load(ordering: .relaxed) }

    /// Adds `delta` and returns the new value.
    @discardableResult
    func add(_ delta: Int) -> Int { atomic.add(delta, ordering: .relaxed).newValue }
}
