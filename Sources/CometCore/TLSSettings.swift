/// TLS settings for a server endpoint, with RocketMQ 4.9.8's names and meanings
/// (`TlsSystemConfig`: `tls.server.mode`, `tls.server.certPath`, `tls.server.keyPath`,
/// `tls.server.trustCertPath`, `tls.server.need.client.auth`).
///
/// Plain values only, so every endpoint (remoting, gRPC, HTTP) can take the same settings; each
/// transport turns them into its own TLS context (remoting: `NIOSSLContext` in CometRemoting).
package struct TLSSettings: Sendable, Equatable {
    /// `tls.server.mode`.
    package enum Mode: String, Sendable, CaseIterable {
        /// Plaintext only; a TLS handshake is refused.
        case disabled
        /// Plaintext and TLS on the same port, told apart by the connection's first byte.
        case permissive
        /// TLS only; a plaintext connection is closed.
        case enforcing
    }

    /// `tls.server.need.client.auth`.
    package enum ClientAuth: String, Sendable, CaseIterable {
        /// No client certificate is asked for.
        case none
        /// A client certificate is asked for and verified when given.
        case optional
        /// Connections without a valid client certificate are refused.
        case require
    }

    /// Default `disabled`: unlike RocketMQ (permissive with a generated self-signed certificate), Comet
    /// needs a certificate to speak TLS, so TLS is opt-in.
    package var mode: Mode = .disabled
    /// PEM certificate chain (`tls.server.certPath`).
    package var certificatePath: String?
    /// PEM private key (`tls.server.keyPath`).
    package var privateKeyPath: String?
    /// PEM CA certificates that client certificates must chain to (`tls.server.trustCertPath`);
    /// the system roots when nil.
    package var trustCertificatePath: String?
    /// `tls.server.need.client.auth` (default none).
    package var clientAuth: ClientAuth = .none

    package init(
        mode: Mode = .disabled, certificatePath: String? = nil, privateKeyPath: String? = nil,
        trustCertificatePath: String? = nil, clientAuth: ClientAuth = .none
    ) {
        self.mode = mode
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.trustCertificatePath = trustCertificatePath
        self.clientAuth = clientAuth
    }

    /// Whether a TLS handshake can be accepted at all.
    package var acceptsTLS: Bool { mode != .disabled }

    /// Applies one `tls.server.*` key from a properties file. Values are case-insensitive; unknown
    /// modes mean `permissive` and unknown client-auth values mean `none`, as upstream reads them.
    /// Returns false for keys Comet does not use (test mode, key passwords, client-side keys).
    @discardableResult
    package mutating func apply(key: String, value: String) -> Bool {
        switch key {
        case "tls.server.mode": mode = Mode(rawValue: value.lowercased()) ?? .permissive
        case "tls.server.certPath": certificatePath = value.isEmpty ? nil : value
        case "tls.server.keyPath": privateKeyPath = value.isEmpty ? nil : value
        case "tls.server.trustCertPath": trustCertificatePath = value.isEmpty ? nil : value
        case "tls.server.need.client.auth": clientAuth = ClientAuth(rawValue: value.lowercased()) ?? .none
        default: return false
        }
        return true
    }

    /// A TLS mode needs a certificate and key.
    package func validate() throws(CometError) {
        guard acceptsTLS else { return }
        guard certificatePath != nil, privateKeyPath != nil else {
            throw CometError(
                .invalidConfiguration,
                "tls.server.mode=\(mode.rawValue) needs tls.server.certPath and tls.server.keyPath (--tls-cert, --tls-key)"
            )
        }
    }
}

/// TLS settings for the calling side of a connection (RocketMQ: `tls.enable`, `tls.client.authServer`,
/// `tls.client.trustCertPath`, `tls.client.certPath`, `tls.client.keyPath`).
package struct ClientTLSSettings: Sendable, Equatable {
    /// Verify the server's certificate chain (against ``trustCertificatePath``, or the system roots).
    /// When false any server certificate is accepted, as RocketMQ's default client test mode does.
    package var verifyServer: Bool
    /// PEM CA certificates the server's certificate must chain to.
    package var trustCertificatePath: String?
    /// PEM certificate chain presented for mutual TLS.
    package var certificatePath: String?
    /// PEM private key of ``certificatePath``.
    package var privateKeyPath: String?

    package init(
        verifyServer: Bool = true, trustCertificatePath: String? = nil, certificatePath: String? = nil,
        privateKeyPath: String? = nil
    ) {
        self.verifyServer = verifyServer
        self.trustCertificatePath = trustCertificatePath
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}
