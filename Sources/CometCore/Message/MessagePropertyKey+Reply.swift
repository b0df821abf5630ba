extension MessagePropertyKey {
    /// Request-reply: the id pairing a reply with its request.
    package static let correlationID = "CORRELATION_ID"
    /// Request-reply: the client id of the requester, which the broker pushes the reply to.
    package static let replyToClient = "REPLY_TO_CLIENT"
    /// Request-reply: how long the requester waits (ms).
    package static let ttl = "TTL"
    /// `reply` on reply messages.
    package static let messageType = "MSG_TYPE"
    /// When the broker pushed the reply (ms).
    package static let pushReplyTime = "PUSH_REPLY_TIME"
    /// When the reply reached the requester (ms), added by the client.
    package static let arriveTime = "ARRIVE_TIME"
}
