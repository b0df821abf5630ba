import CometCore
import CometProtocol
import NIOCore

extension ClientInstance {
    /// With ACL credentials, a request that the fast send path encodes straight into a frame is
    /// decoded back into a command so that it goes through ``RemotingClient``'s signing (the
    /// signature covers every header field and the body). Nil without credentials: the fast path
    /// stays as it is.
    func commandForSigning(
        capacity: Int, encode: (Int32, inout ByteBuffer) -> Void
    ) throws(ClientError)
        -> RemotingCommand?
    {
        guard configuration.credentials != nil else { return nil }
        var buffer = ByteBufferAllocator().buffer(capacity: capacity)
        encode(0, &buffer)
        guard buffer.readInteger(as: UInt32.self) != nil else {
            throw ClientError(.invalidArgument, "empty request frame")
        }
        do {
            return try RemotingFrameDecoder.decodeFrame(buffer)
        } catch {
            throw ClientError(.invalidArgument, "cannot re-read a request to sign it: \(error.message)")
        }
    }
}
