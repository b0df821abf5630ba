import Foundation
package import Logging
package import PostgresNIO

/// A table's name, quoted for SQL, and its columns, read from the catalog at startup so a missing
/// table is a clear error and a mapping only names columns that exist.
package struct PostgresTable: Sendable {
    /// `"schema"."table"` or `"table"`.
    package let quotedName: String
    /// Column names, in table order.
    package let columns: [String]

    /// Looks `name` (`table` or `schema.table`) up; throws when it does not exist.
    package static func lookUp(
        _ name: String, connection: PostgresConnection, logger: Logger
    ) async throws -> PostgresTable {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        let schema = parts.count == 2 ? parts[0] : nil
        let table = parts.last ?? name
        let rows = try await connection.query(
            """
            SELECT column_name::text FROM information_schema.columns
            WHERE table_name = \(table) AND table_schema = COALESCE(\(schema), current_schema())
            ORDER BY ordinal_position
            """, logger: logger)
        var columns: [String] = []
        for try await (column, ) in rows.decode((String,).self) { columns.append(column) }
        guard !columns.isEmpty else { throw ConnectError("table \(name) does not exist (create it first)") }
        return PostgresTable(
            quotedName: ([schema].compactMap { $0 } + [table]).map(quote).joined(separator: "."), columns: columns)
    }
}

/// `name` as a quoted SQL identifier.
package func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
