package import CometCore
package import NIOSSL

extension TLSSettings {
    /// The server-side TLS configuration: certificate and key from PEM files, client certificates
    /// asked for per ``clientAuth`` and verified against ``trustCertificatePath`` (or the system roots).
    /// HTTP endpoints built on NIOSSL (Hummingbird's TLS) can take this as is.
    package func makeServerConfiguration() throws(CometError) -> TLSConfiguration {
        guard let certificatePath, let privateKeyPath else {
            throw CometError(.invalidConfiguration, "TLS needs a certificate and a private key")
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map {
                NIOSSLCertificateSource.certificate($0)
            }
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain,
                privateKey: .privateKey(try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)))
            switch clientAuth {
            case .none: configuration.certificateVerification = .none
            case .optional: configuration.certificateVerification = .optionalVerification
            case .require: configuration.certificateVerification = .noHostnameVerification
            }
            if let trustCertificatePath { configuration.trustRoots = .file(trustCertificatePath) }
            return configuration
        } catch {
            throw CometError(
                .invalidConfiguration,
                "cannot read the TLS certificate \(certificatePath) or key \(privateKeyPath): \(error)",
                cause: error)
        }
    }

    /// A context for ``makeServerConfiguration()``.
    package func makeServerContext() throws(CometError) -> NIOSSLContext {
        let configuration = try makeServerConfiguration()
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw CometError(.invalidConfiguration, "cannot set up TLS: \(error)", cause: error)
        }
    }
}

extension ClientTLSSettings {
    /// The client-side TLS context. Server host names are not checked (brokers are addressed by IP,
    /// as RocketMQ's clients do); the chain is, unless ``verifyServer`` is false.
    package func makeClientContext() throws(CometError) -> NIOSSLContext {
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = verifyServer ? .noHostnameVerification : .none
            if let trustCertificatePath { configuration.trustRoots = .file(trustCertificatePath) }
            if let certificatePath, let privateKeyPath {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificatePath).map {
                    .certificate($0)
                }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: privateKeyPath, format: .pem))
            }
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw CometError(.invalidConfiguration, "cannot set up client TLS: \(error)", cause: error)
        }
    }
}

/// Whether a host string is an IP literal (TLS sends no server name for those).
enum IPAddress {
    static func isLiteral(_ host: String) -> Bool {
        host.contains(":") || (host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." })
    }
}
