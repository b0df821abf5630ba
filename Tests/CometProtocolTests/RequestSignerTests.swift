import CometCore
import CometProtocol
import NIOCore
import Testing

@Suite("ACL request signing")
struct RequestSignerTests {
    @Test("The signature is Base64(HMAC-SHA1) over values sorted by key, then the body (vector from Python's hmac)")
    func knownVector() {
        let fields: ExtFields = [
            "AccessKey": "RocketMQ", "topic": "TopicA", "queueId": "3", "b": "x", "Signature": "ignored",
        ]
        let body = ByteBuffer(string: "hello")
        #expect(RequestSigner.content(fields: fields, body: body) == Array("RocketMQx3TopicAhello".utf8))
        #expect(
            RequestSigner.signature(fields: fields, body: body, secretKey: "12345678") == "ZSUAClFjUG2W//pBIFUk/ABQqz4="
        )
    }

    @Test("Signing adds AccessKey and a Signature the verifier recomputes; any change breaks it")
    func signAndVerify() {
        let signer = RequestSigner(accessKey: "RocketMQ", secretKey: "12345678")
        var request = RemotingCommand(
            code: 10, extFields: ["topic": "T", "queueId": "1"], body: ByteBuffer(string: "b"))
        signer.sign(&request)
        #expect(request.extFields["AccessKey"] == "RocketMQ")
        let signature = request.extFields["Signature"]
        #expect(
            signature == RequestSigner.signature(fields: request.extFields, body: request.body, secretKey: "12345678"))
        var tampered = request
        tampered.extFields["queueId"] = "2"
        #expect(
            signature != RequestSigner.signature(fields: tampered.extFields, body: tampered.body, secretKey: "12345678")
        )
        #expect(
            signature != RequestSigner.signature(fields: request.extFields, body: request.body, secretKey: "87654321"))
    }

    @Test("The verifier can skip _UNIQUE_KEY_QUERY, as RocketMQ's broker does")
    func skipUniqueKeyQuery() {
        let base: ExtFields = ["AccessKey": "ak", "topic": "T"]
        var extended = base
        extended["_UNIQUE_KEY_QUERY"] = "true"
        #expect(
            RequestSigner.signature(fields: extended, body: nil, secretKey: "s", skipping: ["_UNIQUE_KEY_QUERY"])
                == RequestSigner.signature(fields: base, body: nil, secretKey: "s"))
    }
}
