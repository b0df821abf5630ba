import CometCore

extension Broker {
    /// Brings the scrape-time gauges up to date (no-op without metrics).
    package func collectMetrics() { controller.metrics?.collect(controller) }

    /// `nil` once the store is open and the first registration with the name servers finished;
    /// otherwise why the broker is not ready yet.
    package var notReadyReason: String? {
        if controller.store == nil { return "the store is not open yet" }
        if controller.ready.current == nil { return "not registered with the name servers yet" }
        return nil
    }
}
