import CometCore
import Crypto

/// What a RocketMQ 5.x (gRPC) client sends to identify itself: the `authorization` header
/// (`MQv2-HMAC-SHA1 Credential=<ak>, SignedHeaders=x-mq-date-time, Signature=<hex>`) and the signed
/// `x-mq-date-time` value. The clients send the header even without credentials (`Credential=`).
package struct V5Credentials: Sendable, Equatable {
    package var accessKey: String?
    package var signature: String?
    package var dateTime: String?

    package init(accessKey: String?, signature: String?, dateTime: String?) {
        self.accessKey = accessKey
        self.signature = signature
        self.dateTime = dateTime
    }

    /// Parses the `authorization` header; missing parts stay nil. The access key is the text of
    /// `Credential=` before an optional `/` (the Java verifier's reading).
    package init(authorization: String?, dateTime: String?) {
        self.dateTime = dateTime
        guard let authorization, let space = authorization.firstIndex(of: " ") else { return }
        for part in authorization[space...].split(separator: ",") {
            let item = part.drop { $0 == " " }
            guard let equals = item.firstIndex(of: "=") else { continue }
            let value = String(item[item.index(after: equals)...])
            switch item[..<equals] {
            case "Credential":
                accessKey = value.split(separator: "/", omittingEmptySubsequences: false).first.map(String.init)
            case "Signature": signature = value
            default: break
            }
        }
    }

    /// Lowercase hex HMAC-SHA1 of `dateTime` under `secretKey`.
    package static func signature(dateTime: String, secretKey: String) -> String {
        let code = HMAC<Insecure.SHA1>.authenticationCode(
            for: Array(dateTime.utf8), using: SymmetricKey(data: Array(secretKey.utf8)))
        return Hex.encode(Array(code))
    }
}
