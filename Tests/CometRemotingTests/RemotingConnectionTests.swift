import CometCore
import CometProtocol
import CometRemoting
import CometTestSupport
import NIOCore
import Testing

@Suite("Remoting connection (opaque table, timeouts) on a testing channel", .timeLimit(.minutes(1)))
struct RemotingConnectionTests {
    @Test("Concurrent calls get their own responses, answered out of order")
    func outOfOrderResponses() async throws {
        let test = try await TestConnection()
        try await withThrowingTaskGroup(of: (Int32, String?).self) { group in
            for code: Int32 in [101, 102, 103] {
                group.addTask {
                    let response = try await test.connection.invoke(RemotingCommand(code: code), timeout: .seconds(3))
                    return (code, response.remark)
                }
            }
            var written: [RemotingCommand] = []
            for _ in 0..<3 { written.append(try await test.nextWritten()) }
            #expect(Set(written.map(\.opaque)).count == 3, "each call has its own opaque")
            #expect(written.allSatisfy { !$0.isResponse && !$0.isOneway })
            for request in written.reversed() {
                try await test.receive(.response(to: request, remark: "answer to \(request.code)"))
            }
            for try await (code, remark) in group {
                #expect(remark == "answer to \(code)")
            }
        }
    }

    @Test("A call without a response fails with a timeout once virtual time passes its limit")
    func timeout() async throws {
        let test = try await TestConnection()
        async let call = test.connection.invoke(RemotingCommand(code: 105), timeout: .seconds(3))
        let request = try await test.nextWritten()
        await test.advanceTime(by: .milliseconds(2999))
        await test.advanceTime(by: .milliseconds(1))
        do {
            _ = try await call
            Issue.record("the call should have timed out")
        } catch let error as CometError {
            #expect(error.code == .timeout)
        }
        // The late answer finds no waiter and is dropped; the next call still works.
        try await test.receive(.response(to: request))
        async let next = test.connection.invoke(RemotingCommand(code: 106), timeout: .seconds(3))
        let nextRequest = try await test.nextWritten()
        #expect(nextRequest.opaque != request.opaque)
        try await test.receive(.response(to: nextRequest, remark: "ok"))
        #expect(try await next.remark == "ok")
    }

    @Test("A call that is answered before its limit is not failed when the limit passes")
    func answeredBeforeTimeout() async throws {
        let test = try await TestConnection()
        async let call = test.connection.invoke(RemotingCommand(code: 105), timeout: .seconds(3))
        let request = try await test.nextWritten()
        try await test.receive(.response(to: request, remark: "in time"))
        #expect(try await call.remark == "in time")
        await test.advanceTime(by: .seconds(10))
    }

    @Test("Closing the connection fails pending calls and refuses new ones")
    func closeFailsPending() async throws {
        let test = try await TestConnection()
        async let call = test.connection.invoke(RemotingCommand(code: 107), timeout: .seconds(30))
        _ = try await test.nextWritten()
        try await test.closeFromPeer()
        do {
            _ = try await call
            Issue.record("the call should have failed")
        } catch let error as CometError {
            #expect(error.code == .connectionFailed)
        }
        await #expect(throws: CometError.self) {
            try await test.connection.invoke(RemotingCommand(code: 108), timeout: .seconds(3))
        }
    }

    @Test("Oneway requests carry the oneway flag and wait for nothing")
    func oneway() async throws {
        let test = try await TestConnection()
        try await test.connection.invokeOneway(RemotingCommand(code: 109))
        let written = try await test.nextWritten()
        #expect(written.isOneway)
        #expect(!written.isResponse)
    }

    @Test("Requests from the peer are handed on, responses nobody waits for are dropped")
    func inboundRequests() async throws {
        let test = try await TestConnection()
        try await test.receive(RemotingCommand(code: 999, opaque: 77, flag: RemotingCommand.responseFlag))
        try await test.receive(.request(.notifyConsumerIdsChanged))
        var requests = test.inboundRequests.makeAsyncIterator()
        let request = await requests.next()
        #expect(request?.requestCode == .notifyConsumerIdsChanged)
        #expect(try await test.writtenIfAny() == nil)
    }
}
