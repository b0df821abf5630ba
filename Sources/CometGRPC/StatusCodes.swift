import CometBroker
import CometGRPCStubs

typealias V2 = Apache_Rocketmq_V2_MessagingService

extension Apache_Rocketmq_V2_Status {
    /// A status with a code and a message.
    static func code(_ code: Apache_Rocketmq_V2_Code, _ message: String = "") -> Self {
        var status = Self()
        status.code = code
        status.message = message.isEmpty ? "\(code)" : message
        return status
    }

    static var ok: Self { .code(.ok, "OK") }

    /// The v5 code clients expect for a refusal of the broker facade.
    init(_ failure: MessagingFacade.Failure) {
        self.init()
        message = failure.message
        switch failure.kind {
        case .badRequest: code = .badRequest
        case .illegalTopic: code = .illegalTopic
        case .illegalGroup: code = .illegalConsumerGroup
        case .topicNotFound: code = .topicNotFound
        case .groupNotFound: code = .consumerGroupNotFound
        case .forbidden: code = .forbidden
        case .bodyTooLarge: code = .messageBodyTooLarge
        case .invalidReceiptHandle: code = .invalidReceiptHandle
        case .invalidTransaction: code = .invalidTransactionID
        case .notReady: code = .tooManyRequests
        case .illegalDeliveryTime: code = .illegalDeliveryTime
        case .illegalFilter: code = .illegalFilterExpression
        case .internalError: code = .internalServerError
        case .notFound: code = .notFound
        }
    }
}
