import CometCore
import CometProtocol
import CometRemoting

extension ClientConfiguration {
    /// The transport options these settings imply: TLS and request signing.
    var remoting: RemotingClientConfiguration {
        RemotingClientConfiguration(
            tls: tls.map {
                ClientTLSSettings(
                    verifyServer: $0.verifyServer, trustCertificatePath: $0.caCertificatePath,
                    certificatePath: $0.certificatePath, privateKeyPath: $0.privateKeyPath)
            },
            signer: credentials.map {
                RequestSigner(accessKey: $0.accessKey, secretKey: $0.secretKey, securityToken: $0.securityToken)
            })
    }
}
