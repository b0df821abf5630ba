/// What `comet tail` follows and how it sends, with the defaults its command line documents.
package struct TailConfiguration: Sendable {
    /// Files to follow: paths or glob patterns (`/var/log/app/*.log`), re-expanded every ``scanInterval``.
    package var patterns: [String]
    /// Topic every line goes to.
    package var topic: String
    /// Tag of every message (unless a JSON field gives one).
    package var tag: String?
    /// A regular expression whose first capture group (or whole match) becomes the message key.
    package var keyPattern: String?
    /// A regular expression matching the first line of a multiline event; other lines join the event before.
    package var multilineStart: String?
    /// How long an open multiline event waits for more lines once its file is idle (default 1 s).
    package var multilineTimeout: Duration = .seconds(1)
    /// JSON lines: the field whose value becomes the tag.
    package var jsonTag: String?
    /// JSON lines: the field whose value becomes the key.
    package var jsonKey: String?
    /// Where progress is kept across restarts; nil keeps none.
    package var statePath: String?
    /// Files present at the first start (without a state file) are read from their start instead of their end.
    package var fromBeginning = false
    /// Most messages per batch send (default 256).
    package var batchMessages = 256
    /// Most body bytes per batch send (default 512 KiB; the broker accepts 4 MiB).
    package var batchBytes = 512 << 10
    /// Longest line sent as one message; longer lines become several (default 1 MiB).
    package var maxLineBytes = 1 << 20
    /// Most bytes read from a file at once (default 1 MiB).
    package var chunkBytes = 1 << 20
    /// How long to wait when no file has new data (default 200 ms).
    package var pollInterval: Duration = .milliseconds(200)
    /// How often the patterns are expanded again for new and rotated files (default 1 s).
    package var scanInterval: Duration = .seconds(1)
    /// How often throughput and lag are logged (default 10 s).
    package var reportInterval: Duration = .seconds(10)
    /// This host's name, sent with every line.
    package var host: String

    /// A configuration following `patterns` into `topic`.
    package init(patterns: [String], topic: String, host: String) {
        self.patterns = patterns
        self.topic = topic
        self.host = host
    }
}
