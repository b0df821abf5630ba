import CometBroker
import CometClient
import Synchronization
import Testing

@Suite("Swift request-reply")
struct RequestReplyTests {
    @Test("A request is answered by a consumer's reply, pushed by the broker to the requester")
    func requestReply() async throws {
        try await withBroker { namesrv, _, _ in
            let replier = Producer(group: "PID_replier", configuration: clientConfiguration(namesrv, "replier"))
            try await replier.start()
            let consumer = PushConsumer(
                group: "CID_service", configuration: clientConfiguration(namesrv, "service"), options: fastOptions())
            try consumer.subscribe("PriceRequests")
            try await consumer.start { message in
                do {
                    _ = try await replier.reply(to: message, body: Array("price of \(message.text)".utf8))
                    return .success
                } catch {
                    return .retryLater
                }
            }
            let requester = Producer(group: "PID_requester", configuration: clientConfiguration(namesrv, "requester"))
            try await requester.start()
            let reply = try await requester.request(
                Message(topic: "PriceRequests", text: "AAPL"), timeout: .seconds(20))
            #expect(reply.text == "price of AAPL")
            #expect(reply.topic == "DefaultCluster_REPLY_TOPIC")
            #expect(reply.properties["MSG_TYPE"] == "reply")
            #expect(reply.properties["ARRIVE_TIME"] != nil && reply.properties["PUSH_REPLY_TIME"] != nil)
            let second = try await requester.request(
                Message(topic: "PriceRequests", text: "MSFT"), timeout: .seconds(20))
            #expect(second.text == "price of MSFT")
            await consumer.shutdown()
            await requester.shutdown()
            await replier.shutdown()
        }
    }

    @Test("A request nobody answers times out")
    func timeout() async throws {
        try await withBroker { namesrv, _, _ in
            let requester = Producer(group: "PID_lonely", configuration: clientConfiguration(namesrv, "lonely"))
            try await requester.start()
            let started = ContinuousClock.now
            await #expect(throws: ClientError.self) {
                _ = try await requester.request(
                    Message(topic: "NobodyListens", text: "hello"), timeout: .milliseconds(500))
            }
            #expect(ContinuousClock.now - started < .seconds(10))
            await requester.shutdown()
        }
    }
}
