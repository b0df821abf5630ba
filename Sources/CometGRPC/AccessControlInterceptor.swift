import CometBroker
import CometGRPCStubs
import CometProtocol
import GRPCCore

/// The broker's plain ACL on the gRPC endpoint: every request is checked against the same accounts
/// and white lists as remoting requests, with the v5 signature (`authorization` over `x-mq-date-time`).
///
/// Single-request RPCs are checked before the handler runs, and a refusal is answered the way the
/// 5.x clients expect it, as a v5 `Status` (UNAUTHORIZED for an unknown identity or a bad signature,
/// FORBIDDEN for a missing permission) rather than a transport error. Telemetry streams are checked
/// command by command; a refused command ends the stream with PERMISSION_DENIED.
struct AccessControlInterceptor: ServerInterceptor {
    let validator: AccessValidator

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let credentials = V5Credentials(
            authorization: request.metadata[stringValues: "authorization"].first(where: { _ in true }),
            dateTime: request.metadata[stringValues: "x-mq-date-time"].first(where: { _ in true }))
        let peer = Self.peerIP(context.remotePeer)
        let validator = self.validator
        @Sendable func check(_ message: Input) throws(ACLError) {
            try validator.check(v5: credentials, resources: V5AccessResources.of(message), peer: peer)
        }
        if context.descriptor.method == "Telemetry" {
            let checked = request.messages.map { message -> Input in
                do {
                    try check(message)
                } catch let error as ACLError {
                    throw RPCError(code: .permissionDenied, message: error.message)
                }
                return message
            }
            return try await next(
                StreamingServerRequest(metadata: request.metadata, messages: RPCAsyncSequence(wrapping: checked)),
                context)
        }
        var messages = request.messages.makeAsyncIterator()
        guard let message = try await messages.next() else { return try await next(request, context) }
        do {
            try check(message)
        } catch {
            let status = Apache_Rocketmq_V2_Status.code(
                error.isAuthenticationFailure ? .unauthorized : .forbidden, error.message)
            guard let refusal = (Output.self as? any V5Response.Type)?.refusal(status) as? Output else {
                throw RPCError(code: .permissionDenied, message: error.message)
            }
            return StreamingServerResponse(single: ServerResponse(message: refusal))
        }
        return try await next(
            StreamingServerRequest(single: ServerRequest(metadata: request.metadata, message: message)), context)
    }

    /// `ipv4:127.0.0.1:5555` → `127.0.0.1`; `ipv6:[::1]:5555` → `::1`.
    static func peerIP(_ remotePeer: String) -> String {
        var address = Substring(remotePeer)
        for scheme in ["ipv4:", "ipv6:"] where address.hasPrefix(scheme) { address = address.dropFirst(scheme.count) }
        return AccessValidator.peerIP(String(address))
    }
}

/// A v5 response that can carry a refusal: every response of the service has a `status`.
protocol V5Response {
    init()
    var status: Apache_Rocketmq_V2_Status { get set }
}

extension V5Response {
    static func refusal(_ status: Apache_Rocketmq_V2_Status) -> Self {
        var response = Self()
        response.status = status
        return response
    }
}

extension Apache_Rocketmq_V2_QueryRouteResponse: V5Response {}
extension Apache_Rocketmq_V2_HeartbeatResponse: V5Response {}
extension Apache_Rocketmq_V2_SendMessageResponse: V5Response {}
extension Apache_Rocketmq_V2_QueryAssignmentResponse: V5Response {}
extension Apache_Rocketmq_V2_ReceiveMessageResponse: V5Response {}
extension Apache_Rocketmq_V2_AckMessageResponse: V5Response {}
extension Apache_Rocketmq_V2_ForwardMessageToDeadLetterQueueResponse: V5Response {}
extension Apache_Rocketmq_V2_EndTransactionResponse: V5Response {}
extension Apache_Rocketmq_V2_NotifyClientTerminationResponse: V5Response {}
extension Apache_Rocketmq_V2_ChangeInvisibleDurationResponse: V5Response {}
extension Apache_Rocketmq_V2_RecallMessageResponse: V5Response {}
extension Apache_Rocketmq_V2_PullMessageResponse: V5Response {}
extension Apache_Rocketmq_V2_UpdateOffsetResponse: V5Response {}
extension Apache_Rocketmq_V2_GetOffsetResponse: V5Response {}
extension Apache_Rocketmq_V2_QueryOffsetResponse: V5Response {}
