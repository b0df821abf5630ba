import CometBroker
import CometProtocol
import Testing

@Suite("Plain ACL for v5 (gRPC) requests")
struct V5AccessTests {
    func rules() throws -> AccessRules { try AccessRules(PlainAccessConfig(yaml: AccessRulesTests.yaml)) }

    /// Credentials as the 5.x clients send them for `accessKey`/`secretKey` at `dateTime`.
    func credentials(_ accessKey: String, _ secretKey: String, dateTime: String = "20261203T174500Z") -> V5Credentials {
        let signature = V5Credentials.signature(dateTime: dateTime, secretKey: secretKey)
        return V5Credentials(
            authorization:
                "MQv2-HMAC-SHA1 Credential=\(accessKey), SignedHeaders=x-mq-date-time, Signature=\(signature)",
            dateTime: dateTime)
    }

    func denial(
        _ credentials: V5Credentials, _ resources: [(String, UInt8)], peer: String = "127.0.0.1"
    ) throws -> ACLError? {
        do {
            try rules().check(v5: credentials, resources: resources, peer: peer)
            return nil
        } catch let error as ACLError {
            return error
        }
    }

    @Test("The signature is the lowercase hex HMAC-SHA1 of x-mq-date-time (value from Python's hmac)")
    func signature() {
        #expect(
            V5Credentials.signature(dateTime: "20261203T174500Z", secretKey: "app-secret-1")
                == "73030b5716186eaf1d64a01f7cfaf10be2afb0e8")
    }

    @Test("The authorization header is read as the Java verifier reads it")
    func parsing() {
        let parsed = V5Credentials(
            authorization: "MQv2-HMAC-SHA1 Credential=ak/2026/region, SignedHeaders=x-mq-date-time, Signature=ABC",
            dateTime: "d")
        #expect(parsed == V5Credentials(accessKey: "ak", signature: "ABC", dateTime: "d"))
        let empty = V5Credentials(
            authorization: "MQv2-HMAC-SHA1 Credential=, SignedHeaders=x-mq-date-time, Signature=", dateTime: nil)
        #expect(empty.accessKey == "")
        #expect(V5Credentials(authorization: nil, dateTime: nil).accessKey == nil)
        #expect(V5Credentials(authorization: "garbage", dateTime: nil).signature == nil)
    }

    @Test("Identity failures are authentication failures; missing permissions are not")
    func refusals() throws {
        let allowed = try denial(credentials("RocketMQ", "12345678"), [("topicB", ACLPermission.pub)])
        #expect(allowed == nil)
        let badSecret = try denial(credentials("RocketMQ", "wrong-secret"), [("topicB", ACLPermission.pub)])
        #expect(badSecret?.message == "Check signature failed for accessKey=RocketMQ")
        #expect(badSecret?.isAuthenticationFailure == true)
        let unknown = try denial(credentials("nobody", "12345678"), [])
        #expect(unknown?.message == "No acl config for nobody")
        #expect(unknown?.isAuthenticationFailure == true)
        let anonymous = try denial(V5Credentials(authorization: nil, dateTime: nil), [])
        #expect(anonymous?.message == "No accessKey is configured")
        let denied = try denial(credentials("RocketMQ", "12345678"), [("topicA", ACLPermission.pub)])
        #expect(denied?.message == "No default permission for topic:topicA")
        #expect(denied?.isAuthenticationFailure == false)
        // A route query needs either permission: SUB-only topicC is enough, DENY is not.
        #expect(try denial(credentials("RocketMQ", "12345678"), [("topicC", ACLPermission.any)]) == nil)
        #expect(try denial(credentials("RocketMQ", "12345678"), [("topicA", ACLPermission.any)]) != nil)
    }

    @Test("White lists skip the signature as for remoting requests")
    func whiteLists() throws {
        #expect(try denial(V5Credentials(authorization: nil, dateTime: nil), [], peer: "10.10.103.7") == nil)
        let white = V5Credentials(accessKey: "rocketmq2", signature: "not checked", dateTime: nil)
        #expect(try denial(white, [("anything", ACLPermission.pub)], peer: "192.168.1.5") == nil)
        #expect(try denial(white, [("anything", ACLPermission.pub)], peer: "192.168.2.5") != nil)
    }
}
