import ArgumentParser
package import CometClient
import Foundation

/// ACL credentials and TLS for the client commands (`produce`, `consume`, `bench`, `admin`).
package struct ConnectionOptions: ParsableArguments {
    package init() {}

    @Option(help: "ACL access key; every request is signed (default: $COMET_ACCESS_KEY).")
    var accessKey: String?

    @Option(help: "ACL secret key (default: $COMET_SECRET_KEY; prefer the variable, flags show in ps).")
    var secretKey: String?

    @Flag(help: "Connect with TLS (verifies the server against --tls-ca, or the system roots).")
    var tls = false

    @Option(help: "PEM CA certificates to verify the server with (implies --tls).")
    var tlsCa: String?

    @Flag(help: "With TLS, accept any server certificate (self-signed test setups).")
    var tlsInsecure = false

    @Option(help: "PEM client certificate for mutual TLS (implies --tls; needs --tls-client-key).")
    var tlsClientCert: String?

    @Option(help: "PEM private key of --tls-client-cert.")
    var tlsClientKey: String?

    package func validate() throws {
        if (tlsClientCert == nil) != (tlsClientKey == nil) {
            throw ValidationError("--tls-client-cert and --tls-client-key go together")
        }
        if credentials.map({ $0.accessKey.isEmpty || $0.secretKey.isEmpty }) == true {
            throw ValidationError("--access-key and --secret-key must not be empty")
        }
        let environment = ProcessInfo.processInfo.environment
        let key = accessKey ?? environment["COMET_ACCESS_KEY"]
        let secret = secretKey ?? environment["COMET_SECRET_KEY"]
        if (key == nil) != (secret == nil) {
            throw ValidationError(
                "give both an access key and a secret key (--access-key/--secret-key or COMET_ACCESS_KEY/COMET_SECRET_KEY)"
            )
        }
    }

    /// The credentials from the flags, else the environment; nil when neither names both keys.
    package var credentials: Credentials? {
        let environment = ProcessInfo.processInfo.environment
        guard let key = accessKey ?? environment["COMET_ACCESS_KEY"],
            let secret = secretKey ?? environment["COMET_SECRET_KEY"]
        else { return nil }
        return Credentials(accessKey: key, secretKey: secret)
    }

    package var tlsOptions: TLSOptions? {
        guard tls || tlsCa != nil || tlsInsecure || tlsClientCert != nil else { return nil }
        return TLSOptions(
            verifyServer: !tlsInsecure, caCertificatePath: tlsCa, certificatePath: tlsClientCert,
            privateKeyPath: tlsClientKey)
    }

    /// `configuration` with these credentials and TLS settings.
    package func apply(to configuration: ClientConfiguration) -> ClientConfiguration {
        var configuration = configuration
        configuration.credentials = credentials
        configuration.tls = tlsOptions
        return configuration
    }
}
