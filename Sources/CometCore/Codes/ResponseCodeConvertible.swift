/// An error that knows how it is answered on the wire (like grpc-swift-2's `RPCErrorConvertible`):
/// a request whose processing throws one is answered with ``responseCode`` and
/// ``responseRemark`` instead of SYSTEM_ERROR and the error's debug description.
package protocol ResponseCodeConvertible: Error {
    /// The response code a client sees.
    var responseCode: ResponseCode { get }
    /// The remark a client sees: what went wrong, without internal detail such as causes.
    var responseRemark: String { get }
}

extension CometError: ResponseCodeConvertible {
    /// The code's ``CometError/Code/responseCode``.
    package var responseCode: ResponseCode { code.responseCode }
    /// The message, without the cause (which may name files or peers).
    package var responseRemark: String { message }
}
