import ArgumentParser
import CometCore

/// `--tls-*` flags of the servers (`broker`, `namesrv`, `standalone`), RocketMQ's `tls.server.*`
/// settings. Flags override broker.conf.
struct TLSServerOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "TLS mode (tls.server.mode): disabled, permissive (TLS and plaintext on one port) or enforcing.",
            valueName: "mode"))
    var tlsMode: TLSSettings.Mode?

    @Option(help: "PEM certificate chain (tls.server.certPath).")
    var tlsCert: String?

    @Option(help: "PEM private key (tls.server.keyPath).")
    var tlsKey: String?

    @Option(help: "PEM CA certificates client certificates must chain to (tls.server.trustCertPath).")
    var tlsTrustCert: String?

    @Option(
        help: ArgumentHelp(
            "Client certificates (tls.server.need.client.auth): none, optional or require.", valueName: "auth"))
    var tlsClientAuth: TLSSettings.ClientAuth?

    /// `settings` with the flags applied; a certificate without a mode turns on `enforcing`.
    func apply(to settings: TLSSettings) throws -> TLSSettings {
        var settings = settings
        if let tlsCert { settings.certificatePath = tlsCert }
        if let tlsKey { settings.privateKeyPath = tlsKey }
        if let tlsTrustCert { settings.trustCertificatePath = tlsTrustCert }
        if let tlsClientAuth { settings.clientAuth = tlsClientAuth }
        if let tlsMode {
            settings.mode = tlsMode
        } else if tlsCert != nil, settings.mode == .disabled {
            settings.mode = .enforcing
        }
        do {
            try settings.validate()
        } catch {
            throw ValidationError(error.message)
        }
        return settings
    }
}

extension TLSSettings.Mode: ExpressibleByArgument {}
extension TLSSettings.ClientAuth: ExpressibleByArgument {}
