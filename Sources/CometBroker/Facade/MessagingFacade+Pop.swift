import CometCore
import CometProtocol

extension MessagingFacade {
    /// Compiles a v5 filter expression (`TAG` or `SQL92`) for a group's subscription.
    package func filter(group: String, topic: String, sql: Bool, expression: String) throws(Failure) -> PopFilter {
        guard sql else { return PopFilter.tagExpression(expression) }
        do {
            return .sql(try controller.sqlFilters.filter(group: group, topic: topic, expression: expression))
        } catch {
            throw Failure(.illegalFilter, error.message)
        }
    }

    /// The POP state a consumer works on: its group's, or in a broadcasting group its own
    /// (`group@clientID`), so that every client of the group receives every message.
    func popGroup(_ group: String, clientID: String?) throws(Failure) -> String {
        guard controller.groups.existing(group)?.isBroadcasting == true else { return group }
        guard let clientID, !clientID.isEmpty else {
            throw Failure(
                .badRequest,
                "group \(group) consumes in broadcasting mode: the request must name its client (x-mq-client-id)")
        }
        // The id becomes part of journal keys: only the characters client ids are made of.
        guard clientID.utf8.count <= 255,
            clientID.utf8.allSatisfy({ byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || "@._:-".utf8.contains(byte)
            })
        else {
            throw Failure(.badRequest, "the client id \"\(clientID)\" is illegal")
        }
        return group + String(PopService.instanceSeparator) + clientID
    }

    /// POP receive for the client `clientID`: see ``PopService/receive(_:store:)``.
    package func receive(_ request: PopService.Request, clientID: String?) async throws(Failure) -> [PopService.Popped]
    {
        let store = try store
        guard controller.configuration.brokerPermission.contains(.read) else {
            throw Failure(.forbidden, "the broker \(brokerName) does not serve reads")
        }
        guard let topic = topic(request.topic) else {
            throw Failure(.topicNotFound, "topic \(request.topic) does not exist")
        }
        guard topic.permission.contains(.read) else { throw Failure(.forbidden, "topic \(topic.name) is not readable") }
        var request = request
        request.queueIDs = request.queueIDs.filter { $0 >= 0 && $0 < topic.readQueueNums }
        request.group = try popGroup(request.group, clientID: clientID)
        do {
            return try await controller.pop.receive(request, store: store)
        } catch {
            throw Failure(.internalError, error.message)
        }
    }

    /// Acknowledges a POP delivery.
    package func ack(group: String, topic: String, receiptHandle: String, clientID: String?) throws(Failure) {
        let group = try popGroup(group, clientID: clientID)
        guard let handle = ReceiptHandle(receiptHandle) else {
            throw Failure(.invalidReceiptHandle, "the receipt handle \"\(receiptHandle)\" is not valid")
        }
        let result: Result<Void, PopService.HandleError>
        do {
            result = try controller.pop.ack(group: group, topic: topic, handle: handle)
        } catch {
            throw Failure(.internalError, error.message)
        }
        if case .failure(let reason) = result { throw Self.handleFailure(reason, receiptHandle) }
    }

    /// Changes when a POP delivery becomes visible again; returns the new receipt handle.
    package func changeInvisibleTime(
        group: String, topic: String, receiptHandle: String, millis: Int64, clientID: String?
    ) throws(Failure)
        -> String
    {
        let group = try popGroup(group, clientID: clientID)
        guard let handle = ReceiptHandle(receiptHandle) else {
            throw Failure(.invalidReceiptHandle, "the receipt handle \"\(receiptHandle)\" is not valid")
        }
        let result: Result<(ReceiptHandle, Int64), PopService.HandleError>
        do {
            result = try controller.pop.changeInvisibleTime(group: group, topic: topic, handle: handle, millis: millis)
        } catch {
            throw Failure(.internalError, error.message)
        }
        switch result {
        case .success(let (newHandle, _)): return newHandle.description
        case .failure(let reason): throw Self.handleFailure(reason, receiptHandle)
        }
    }

    /// Moves a POP delivery to `%DLQ%<group>` at the client's request.
    package func forwardToDeadLetter(
        group: String, topic: String, receiptHandle: String, clientID: String?
    ) async throws(Failure) {
        let store = try store
        let group = try popGroup(group, clientID: clientID)
        guard let handle = ReceiptHandle(receiptHandle) else {
            throw Failure(.invalidReceiptHandle, "the receipt handle \"\(receiptHandle)\" is not valid")
        }
        let result: Result<Void, PopService.HandleError>
        do {
            result = try await controller.pop.forwardToDeadLetter(
                group: group, topic: topic, handle: handle, store: store)
        } catch {
            throw Failure(.internalError, error.message)
        }
        if case .failure(let reason) = result { throw Self.handleFailure(reason, receiptHandle) }
    }

    private static func handleFailure(_ reason: PopService.HandleError, _ handle: String) -> Failure {
        switch reason {
        case .malformed:
            return Failure(.invalidReceiptHandle, "the receipt handle \"\(handle)\" names no delivery of this group")
        case .stale:
            return Failure(
                .invalidReceiptHandle,
                "the receipt handle \"\(handle)\" has expired: the message was acknowledged or delivered again since")
        }
    }
}
