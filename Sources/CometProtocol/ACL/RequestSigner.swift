import CometCore
import Crypto
import Foundation
package import NIOCore

/// RocketMQ 4.x "plain ACL" request signing (`AclClientRPCHook`, `AclUtils.combineRequestContent`).
///
/// The signed content is the values of every extField except `Signature` (and, on the verifying side,
/// `_UNIQUE_KEY_QUERY`), concatenated in key order with no separators, followed by the raw body.
/// The signature is Base64(HMAC-SHA1(secret, content)). Keys are compared by UTF-16 code units, as
/// Java's `TreeMap` does; for the ASCII keys RocketMQ uses that is plain byte order.
package struct RequestSigner: Sendable, Equatable {
    /// extField names the scheme uses on the wire.
    package enum Field {
        package static let accessKey = "AccessKey"
        package static let signature = "Signature"
        package static let securityToken = "SecurityToken"
        /// `MixAll.UNIQUE_MSG_QUERY_FLAG`: the broker leaves it out of the recomputed content.
        package static let uniqueKeyQuery = "_UNIQUE_KEY_QUERY"
    }

    package var accessKey: String
    package var secretKey: String
    /// Sent as `SecurityToken` (signed like any other field) when present.
    package var securityToken: String?

    package init(accessKey: String, secretKey: String, securityToken: String? = nil) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.securityToken = securityToken
    }

    /// Adds `AccessKey` (and `SecurityToken`) to the request and signs it.
    package func sign(_ command: inout RemotingCommand) {
        command.extFields[Field.accessKey] = accessKey
        if let securityToken { command.extFields[Field.securityToken] = securityToken }
        command.extFields[Field.signature] = Self.signature(
            fields: command.extFields, body: command.body, secretKey: secretKey)
    }

    /// The signature of `fields` and `body` under `secretKey`, skipping `Signature` and the keys in `skipping`.
    package static func signature(
        fields: ExtFields, body: ByteBuffer?, secretKey: String, skipping: Set<String> = []
    ) -> String {
        let content = self.content(fields: fields, body: body, skipping: skipping)
        let code = HMAC<Insecure.SHA1>.authenticationCode(
            for: content, using: SymmetricKey(data: Array(secretKey.utf8)))
        return Data(code).base64EncodedString()
    }

    /// The bytes that are signed: field values in key order, then the body.
    /// A key repeated on the wire counts once, with the value lookups see (the first).
    package static func content(fields: ExtFields, body: ByteBuffer?, skipping: Set<String> = []) -> [UInt8] {
        var seen = Set<String>()
        let signed = fields.filter {
            $0.key != Field.signature && !skipping.contains($0.key) && seen.insert($0.key).inserted
        }
        .sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(signed.reduce(0) { $0 + $1.value.utf8.count } + (body?.readableBytes ?? 0))
        for field in signed { bytes.append(contentsOf: field.value.utf8) }
        if let body { bytes.append(contentsOf: body.readableBytesView) }
        return bytes
    }
}
