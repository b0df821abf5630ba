import CometBroker
import CometCore
import CometProtocol
import Foundation
import Logging
import NIOCore
import Testing

@Suite("Plain ACL rules")
struct AccessRulesTests {
    static let yaml = """
        globalWhiteRemoteAddresses:
          - 10.10.103.*
          - 192.168.0.{1,2}
        accounts:
          - accessKey: RocketMQ
            secretKey: 12345678
            whiteRemoteAddress:
            admin: false
            defaultTopicPerm: DENY
            defaultGroupPerm: SUB
            topicPerms:
              - topicA=DENY
              - topicB=PUB|SUB
              - topicC=SUB
            groupPerms:
              - groupA=DENY
              - groupB=PUB|SUB
          - accessKey: rocketmq2
            secretKey: 12345678
            whiteRemoteAddress: 192.168.1.*
            admin: true
        """

    func rules() throws -> AccessRules { try AccessRules(PlainAccessConfig(yaml: Self.yaml)) }

    func signed(
        _ code: Int32, _ fields: [String: String], body: String? = nil, ak: String = "RocketMQ", sk: String = "12345678"
    )
        -> RemotingCommand
    {
        var request = RemotingCommand(
            code: code, extFields: ExtFields(fields), body: body.map { ByteBuffer(string: $0) })
        RequestSigner(accessKey: ak, secretKey: sk).sign(&request)
        return request
    }

    func denial(_ rules: AccessRules, _ request: RemotingCommand, peer: String = "127.0.0.1") -> String? {
        do {
            try rules.check(request, peer: peer)
            return nil
        } catch {
            return error.remark
        }
    }

    @Test("The file is read unchanged: numeric secrets stay text, white lists and permissions parse")
    func parsesFile() throws {
        let config = try PlainAccessConfig(yaml: Self.yaml)
        #expect(config.globalWhiteRemoteAddresses == ["10.10.103.*", "192.168.0.{1,2}"])
        #expect(config.accounts.map(\.accessKey) == ["RocketMQ", "rocketmq2"])
        #expect(config.accounts[0].secretKey == "12345678")
        #expect(config.accounts[0].topicPerms == ["topicA=DENY", "topicB=PUB|SUB", "topicC=SUB"])
        #expect(config.accounts[1].admin)
        let reread = try PlainAccessConfig(yaml: config.yaml)
        #expect(reread == config)
    }

    @Test("Send needs PUB on the topic; explicit entries beat defaults; denials carry upstream's remark")
    func sendPermissions() throws {
        let rules = try rules()
        #expect(denial(rules, signed(310, ["a": "g", "b": "topicB", "c": "TBW102"])) == nil)
        #expect(
            denial(rules, signed(310, ["a": "g", "b": "topicC"]))
                == "org.apache.rocketmq.acl.common.AclException: No default permission for topic:topicC, "
                + "org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:611)")
        #expect(
            denial(rules, signed(10, ["topic": "other", "producerGroup": "g"]))
                == "org.apache.rocketmq.acl.common.AclException: No default permission for topic:other, "
                + "org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:606)")
    }

    @Test("Pull needs SUB on the topic and on the group's retry topic")
    func pullPermissions() throws {
        let rules = try rules()
        #expect(denial(rules, signed(11, ["topic": "topicC", "consumerGroup": "groupB", "queueId": "0"])) == nil)
        #expect(denial(rules, signed(11, ["topic": "topicC", "consumerGroup": "anyGroup"])) == nil)
        let remark = denial(rules, signed(11, ["topic": "topicC", "consumerGroup": "groupA"]))
        #expect(remark?.contains("No default permission for group:groupA") == true)
    }

    @Test("Heartbeats check every consumer group and subscribed topic")
    func heartbeat() throws {
        let rules = try rules()
        let body = HeartbeatData(
            clientID: "c",
            consumers: [
                ConsumerData(
                    groupName: "groupB", consumeType: .consumePassively, messageModel: .clustering,
                    consumeFromWhere: .lastOffset, subscriptions: [SubscriptionData(topic: "topicA", subString: "*")],
                    unitMode: false)
            ]
        ).encoded()
        var request = RemotingCommand(code: 34, body: body)
        RequestSigner(accessKey: "RocketMQ", secretKey: "12345678").sign(&request)
        #expect(denial(rules, request)?.contains("No default permission for topic:topicA") == true)
    }

    @Test("Missing key, unknown key and a wrong secret are refused at validate's lines")
    func authentication() throws {
        let rules = try rules()
        #expect(
            denial(rules, RemotingCommand(code: 310, extFields: ["b": "topicB"]))
                == "org.apache.rocketmq.acl.common.AclException: No accessKey is configured, "
                + "org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:664)")
        #expect(
            denial(rules, signed(310, ["b": "topicB"], ak: "nobody12"))?.contains("No acl config for nobody12") == true)
        #expect(
            denial(rules, signed(310, ["b": "topicB"], sk: "wrong-secret"))
                == "org.apache.rocketmq.acl.common.AclException: Check signature failed for accessKey=RocketMQ, "
                + "org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:684)")
        var tampered = signed(310, ["b": "topicB"], body: "payload")
        tampered.body = ByteBuffer(string: "other payload")
        #expect(denial(rules, tampered)?.contains("Check signature failed") == true)
    }

    @Test("Admin codes need an admin account; other codes need only a valid signature")
    func adminCodes() throws {
        let rules = try rules()
        #expect(
            denial(rules, signed(17, ["topic": "x"]))
                == "org.apache.rocketmq.acl.common.AclException: Need admin permission for request code=17, but "
                + "accessKey=RocketMQ is not, org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:581)"
        )
        #expect(denial(rules, signed(17, ["topic": "x"], ak: "rocketmq2")) == nil)
        #expect(denial(rules, signed(105, ["topic": "x"])) == nil)
    }

    @Test("White lists: global patterns allow anything, account patterns skip the signature")
    func whiteLists() throws {
        let rules = try rules()
        let unsigned = RemotingCommand(code: 17, extFields: ["topic": "x"])
        #expect(denial(rules, unsigned, peer: "10.10.103.7") == nil)
        #expect(denial(rules, unsigned, peer: "192.168.0.2") == nil)
        #expect(denial(rules, unsigned, peer: "192.168.0.3") != nil)
        var wrongSecret = RemotingCommand(code: 17, extFields: ["topic": "x"])
        RequestSigner(accessKey: "rocketmq2", secretKey: "not-the-secret").sign(&wrongSecret)
        #expect(denial(rules, wrongSecret, peer: "192.168.1.50") == nil)
        #expect(denial(rules, wrongSecret, peer: "192.168.2.50")?.contains("Check signature failed") == true)
    }

    @Test(
        "Address patterns: wildcards, ranges, sets, lists, exact IPv4 and IPv6",
        arguments: [
            ("*", "1.2.3.4", true), ("", "1.2.3.4", false), ("192.168.1.*", "192.168.1.200", true),
            ("192.168.1.*", "192.168.2.1", false), ("192.168.1.1-10", "192.168.1.10", true),
            ("192.168.1.1-10", "192.168.1.11", false), ("192.168.*.*", "192.168.77.1", true),
            ("192.168.1.{1,2,3}", "192.168.1.3", true), ("192.168.1.{1,2,3}", "192.168.1.4", false),
            ("127.0.0.1,10.0.0.1", "10.0.0.1", true), ("127.0.0.1", "127.0.0.1", true),
            ("127.0.0.1", "127.0.0.2", false),
            ("::1", "0:0:0:0:0:0:0:1", true), ("2001:db8::{1,2}", "2001:db8:0:0:0:0:0:2", true),
        ])
    func patterns(pattern: String, address: String, matches: Bool) throws {
        #expect(try RemoteAddressPattern(pattern).matches(address) == matches)
    }

    @Test("Malformed entries and short keys fail at load", arguments: ["192.168.1.300-400", "abc", "1.2.{3"])
    func malformedPattern(pattern: String) {
        #expect(throws: ACLError.self) { try RemoteAddressPattern(pattern) }
    }

    @Test("Keys of 6 characters or fewer are rejected, as upstream's loader does")
    func shortKeys() {
        #expect(throws: ACLError.self) {
            try AccessRules(
                PlainAccessConfig(accounts: [PlainAccessAccount(accessKey: "short", secretKey: "12345678")]))
        }
    }
}

@Suite("Plain ACL file updates")
struct AccessValidatorTests {
    func withFile(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("comet-acl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("plain_acl.yml").path
        try AccessRulesTests.yaml.write(toFile: path, atomically: true, encoding: .utf8)
        try body(path)
    }

    @Test("Admin updates persist to the file, bump the data version and apply at once")
    func updatesPersist() throws {
        try withFile { path in
            let validator = try AccessValidator(path: path, logger: .init(label: "test"))
            try validator.createOrUpdate(
                PlainAccessAccount(accessKey: "newuser1", secretKey: "newsecret1", defaultTopicPerm: "PUB"),
                topicPermsGiven: false, groupPermsGiven: false)
            let reread = try PlainAccessConfig(contentsOf: path)
            #expect(reread.accounts.map(\.accessKey).contains("newuser1"))
            #expect(reread.dataVersion?.counter == 1)
            var request = RemotingCommand(code: 310, extFields: ["b": "anyTopic"])
            RequestSigner(accessKey: "newuser1", secretKey: "newsecret1").sign(&request)
            try validator.check(request, remoteAddress: "127.0.0.1:5000")
            #expect(try validator.delete(accessKey: "newuser1"))
            #expect(try !validator.delete(accessKey: "newuser1"))
            #expect(throws: ACLError.self) { try validator.check(request, remoteAddress: "127.0.0.1:5000") }
            try validator.updateGlobalWhiteAddresses(["127.0.0.*"])
            try validator.check(RemotingCommand(code: 17), remoteAddress: "127.0.0.1:5000")
            #expect(try PlainAccessConfig(contentsOf: path).dataVersion?.counter == 3)
        }
    }

    @Test("An edited file is reloaded; a broken edit keeps the previous rules")
    func reload() throws {
        try withFile { path in
            let validator = try AccessValidator(path: path, logger: .init(label: "test"))
            #expect(!validator.reloadIfChanged())
            try "globalWhiteRemoteAddresses: ['127.0.0.1']\naccounts: []\n".write(
                toFile: path, atomically: true, encoding: .utf8)
            #expect(validator.reloadIfChanged())
            try validator.check(RemotingCommand(code: 17), remoteAddress: "127.0.0.1:1")
            try "accounts: [ {accessKey: x".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(!validator.reloadIfChanged())
            try validator.check(RemotingCommand(code: 17), remoteAddress: "127.0.0.1:1")
        }
    }
}
