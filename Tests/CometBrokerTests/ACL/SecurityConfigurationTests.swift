import CometBroker
import CometCore
import Testing

@Suite("ACL and TLS settings from broker.conf")
struct SecurityConfigurationTests {
    @Test("aclEnable uses <rocketmqHome>/conf/plain_acl.yml; without a home it is a clear error")
    func aclEnable() throws {
        var configuration = BrokerConfiguration(dataDirectory: "/tmp/x")
        #expect(try configuration.apply(properties: "aclEnable=true\nrocketmqHome=/opt/rmq\n").isEmpty)
        #expect(try configuration.acl.resolvedFile(environment: [:]) == "/opt/rmq/conf/plain_acl.yml")
        configuration.acl.rocketmqHome = nil
        #expect(
            try configuration.acl.resolvedFile(environment: ["ROCKETMQ_HOME": "/home/r"])
                == "/home/r/conf/plain_acl.yml")
        #expect(throws: CometError.self) { try configuration.acl.resolvedFile(environment: [:]) }
        configuration.acl.file = "/etc/acl.yml"
        #expect(try configuration.acl.resolvedFile(environment: [:]) == "/etc/acl.yml")
        configuration.acl = ACLSettings()
        #expect(try configuration.acl.resolvedFile(environment: [:]) == nil)
    }

    @Test("tls.server.* keys apply with upstream's lenient values; a TLS mode needs a certificate")
    func tlsKeys() throws {
        var configuration = BrokerConfiguration(dataDirectory: "/tmp/x")
        let warnings = try configuration.apply(
            properties: """
                tls.server.mode=ENFORCING
                tls.server.certPath=/c.pem
                tls.server.keyPath=/k.pem
                tls.server.trustCertPath=/ca.pem
                tls.server.need.client.auth=Require
                tls.test.mode.enable=false
                """)
        #expect(warnings == ["broker.conf key 'tls.test.mode.enable' is accepted but has no effect in Comet"])
        #expect(
            configuration.tls
                == TLSSettings(
                    mode: .enforcing, certificatePath: "/c.pem", privateKeyPath: "/k.pem",
                    trustCertificatePath: "/ca.pem", clientAuth: .require))
        _ = try configuration.apply(properties: "tls.server.mode=whatever\ntls.server.need.client.auth=maybe")
        #expect(configuration.tls.mode == .permissive)
        #expect(configuration.tls.clientAuth == TLSSettings.ClientAuth.none)
        #expect(throws: CometError.self) { try TLSSettings(mode: .permissive).validate() }
        try TLSSettings().validate()
    }
}
