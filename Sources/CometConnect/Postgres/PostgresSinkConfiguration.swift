package import CometClient

/// What `comet sink postgres` reads and writes, with its command line's defaults.
package struct PostgresSinkConfiguration: Sendable {
    /// Where the rows go.
    package var dsn: PostgresDSN
    /// Target table (`table` or `schema.table`); it must exist.
    package var table: String
    /// How messages become rows.
    package var mapping: RowMapping = .json
    /// Topic read.
    package var topic: String
    /// Consumer group: its offsets live in ``offsetsTable`` (and are mirrored to the broker for monitoring).
    package var group: String
    /// Table keeping each queue's next offset, written in the same transaction as the rows (created if missing).
    package var offsetsTable = "comet_sink_offsets"
    /// Where a queue without an offset in the database (nor on the broker) starts.
    package var start: ConsumeFrom = .earliest
    /// Most rows per transaction (default 500).
    package var batchSize = 500
    /// How long a batch waits for more messages once it has some (default 200 ms).
    package var linger: Duration = .milliseconds(200)
    /// How often throughput and lag are logged (default 10 s).
    package var reportInterval: Duration = .seconds(10)

    /// A sink of `topic` for `group` into `table`.
    package init(dsn: PostgresDSN, table: String, topic: String, group: String) {
        self.dsn = dsn
        self.table = table
        self.topic = topic
        self.group = group
    }
}
