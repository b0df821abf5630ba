package import CometCore

/// Why a SQL92 filter expression was rejected, with the 1-based character position of the fault.
///
/// Travels as the `cause` of the ``CometError`` that ``SQLFilter/compile(_:)`` throws; the error's
/// message (the wire remark of SUBSCRIPTION_PARSE_FAILED) names the position too.
package struct SQLFilterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based character position in the expression (length + 1 = its end).
    package var position: Int
    /// What is wrong there.
    package var reason: String

    package init(position: Int, _ reason: String) {
        self.position = position
        self.reason = reason
    }

    package var description: String { "\(reason) at position \(position)" }
}

extension CometError.Code {
    /// A filter expression (SQL92 subscription) could not be compiled.
    package static let malformedExpression = CometError.Code(
        "malformedExpression", responseCode: .subscriptionParseFailed)
}
