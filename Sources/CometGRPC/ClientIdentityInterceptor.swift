import GRPCCore

/// The identity a v5 client sends with every call (`x-mq-client-id`), for the handlers of the
/// simple service API, which see no metadata.
enum CallIdentity {
    @TaskLocal static var clientID: String?
}

/// Binds ``CallIdentity/clientID`` for the whole call: around the handler of unary calls and,
/// since a streaming handler runs only when the server drains its response, around that too.
struct ClientIdentityInterceptor: ServerInterceptor {
    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let clientID = request.metadata[stringValues: "x-mq-client-id"].first(where: { _ in true })
        return try await CallIdentity.$clientID.withValue(clientID) {
            var response = try await next(request, context)
            if case .success(var contents) = response.accepted {
                let producer = contents.producer
                contents.producer = { writer in
                    try await CallIdentity.$clientID.withValue(clientID) { try await producer(writer) }
                }
                response.accepted = .success(contents)
            }
            return response
        }
    }
}
