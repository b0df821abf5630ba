package import ArgumentParser
package import CometClient

/// `-n/--namesrv` and `-t/--topic`, shared by the client commands.
package struct ClientOptions: ParsableArguments {
    @Option(name: [.short, .customLong("namesrv")], help: "Name server addresses, HOST:PORT separated by ';'.")
    package var namesrv = "127.0.0.1:9876"

    @Option(name: .shortAndLong, help: "Topic.")
    package var topic: String

    package init() {}

    /// Credentials and TLS.
    @OptionGroup package var connection: ConnectionOptions

    /// The client configuration these options describe.
    package var configuration: ClientConfiguration { connection.apply(to: ClientConfiguration(namesrvAddr: namesrv)) }

    package func validate() throws {
        guard !ClientConfiguration(namesrvAddr: namesrv).nameServers.isEmpty else {
            throw ValidationError("--namesrv must name at least one HOST:PORT")
        }
    }
}
