import CometCore
import CometProtocol
import CometRemoting

/// Wraps the broker's processor to time each answered request into `rocketmq_rpc_latency`
/// (from the moment the processor got it to the moment its answer was handed to the connection).
/// Only installed when the broker has metrics.
struct MetricsProcessor<Next: RequestProcessor>: RequestProcessor {
    let metrics: BrokerMetrics
    let next: Next

    func process(_ request: RemotingCommand, connection: RemotingConnection) async throws -> RemotingCommand? {
        let started = ContinuousClock.now
        do {
            let response = try await next.process(request, connection: connection)
            if let response, !request.isOneway { record(request, response, since: started) }
            return response
        } catch let error as any ResponseCodeConvertible {
            record(request, code: error.responseCode.rawValue, since: started)
            throw error
        } catch {
            record(request, code: ResponseCode.systemError.rawValue, since: started)
            throw error
        }
    }

    func processOnEventLoop(
        _ request: RemotingCommand, connection: RemotingConnection, responder: RemotingResponder
    ) -> Bool {
        let started = ContinuousClock.now
        let timed = RemotingResponder(request: request) { [metrics] response in
            let elapsed = ContinuousClock.now - started
            metrics.recordRPC(request: request.code, response: response.code, milliseconds: Self.millis(elapsed))
            responder.respond(response)
        }
        return next.processOnEventLoop(request, connection: connection, responder: timed)
    }

    func connectionClosed(_ connection: RemotingConnection) { next.connectionClosed(connection) }

    func queueWaitLimit(for request: RemotingCommand) -> Duration? { next.queueWaitLimit(for: request) }

    private func record(_ request: RemotingCommand, _ response: RemotingCommand, since started: ContinuousClock.Instant)
    {
        record(request, code: response.code, since: started)
    }

    private func record(_ request: RemotingCommand, code: Int32, since started: ContinuousClock.Instant) {
        metrics.recordRPC(
            request: request.code, response: code, milliseconds: Self.millis(ContinuousClock.now - started))
    }

    static func millis(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
