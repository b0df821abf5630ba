import ArgumentParser
import CometClient

/// `-n/--namesrv` and `-t/--topic`, shared by the client commands.
struct ClientOptions: ParsableArguments {
    @Option(name: [.short, .customLong("namesrv")], help: "Name server addresses, HOST:PORT separated by ';'.")
    var namesrv = "127.0.0.1:9876"

    @Option(name: .shortAndLong, help: "Topic.")
    var topic: String

    var configuration: ClientConfiguration { ClientConfiguration(namesrvAddr: namesrv) }

    func validate() throws {
        guard !ClientConfiguration(namesrvAddr: namesrv).nameServers.isEmpty else {
            throw ValidationError("--namesrv must name at least one HOST:PORT")
        }
    }
}
