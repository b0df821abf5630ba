/// An ACL account (RocketMQ 4.x plain ACL): the client signs every request with it.
///
/// The signature is HMAC-SHA1 over the request's header fields and body, as RocketMQ's
/// `AclClientRPCHook` computes it, so a broker with `aclEnable=true` (Comet or RocketMQ) accepts it.
public struct Credentials: Sendable, Equatable {
    /// The account's `accessKey` in `plain_acl.yml`; sent as `AccessKey`.
    public var accessKey: String
    /// The account's `secretKey`: the HMAC key; never sent.
    public var secretKey: String
    /// Sent as `SecurityToken` when set (signed like the other fields).
    public var securityToken: String?

    /// An account with an optional security token.
    public init(accessKey: String, secretKey: String, securityToken: String? = nil) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.securityToken = securityToken
    }
}

/// How the client connects with TLS.
public struct TLSOptions: Sendable, Equatable {
    /// Check the server's certificate chain against ``caCertificatePath`` (or the system roots).
    /// Set false to accept any server certificate (test setups with self-signed certificates).
    public var verifyServer: Bool
    /// PEM file with the CA certificates to trust.
    public var caCertificatePath: String?
    /// PEM certificate chain to present for mutual TLS.
    public var certificatePath: String?
    /// PEM private key of ``certificatePath``.
    public var privateKeyPath: String?

    /// TLS options; by default the server is verified against the system roots.
    public init(
        verifyServer: Bool = true, caCertificatePath: String? = nil, certificatePath: String? = nil,
        privateKeyPath: String? = nil
    ) {
        self.verifyServer = verifyServer
        self.caCertificatePath = caCertificatePath
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}
