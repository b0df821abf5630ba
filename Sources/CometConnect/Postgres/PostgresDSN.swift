import Foundation
package import Logging
import NIOSSL
package import PostgresNIO

/// A PostgreSQL connection string, `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`,
/// as psql and libpq accept it. Parsed once at startup so a bad one is a clear error, not a retry loop.
package struct PostgresDSN: Sendable, CustomStringConvertible {
    /// Server host.
    package var host: String
    /// Server port (default 5432).
    package var port: Int
    /// User name (default `postgres`).
    package var username: String
    /// Password, if any (never printed).
    package var password: String?
    /// Database (default: the user name).
    package var database: String
    /// TLS mode.
    package var sslMode: String

    /// Parses `text`; throws a ``ConnectError`` naming what is wrong.
    package init(parsing text: String) throws(ConnectError) {
        guard let url = URLComponents(string: text), let scheme = url.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw ConnectError(
                "--dsn must look like postgres://user:password@host:5432/database, got '\(Self.redacted(text))'")
        }
        guard let host = url.host, !host.isEmpty else { throw ConnectError("--dsn names no host") }
        self.host = host
        port = url.port ?? 5432
        username = url.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = url.password.flatMap { $0.removingPercentEncoding }
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        database = path.isEmpty ? username : path
        sslMode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw ConnectError("--dsn sslmode must be disable, prefer or require, got '\(sslMode)'")
        }
    }

    package var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    /// The postgres-nio client configuration.
    package var configuration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// Runs `body` on one direct connection, closed afterwards: the startup checks, which must fail
    /// with the connection's own error (refused, authentication, unknown database) rather than wait
    /// for a pool that keeps retrying.
    package func withConnection<T: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let tls: PostgresConnection.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require": tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        default: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text), url.password != nil else { return text }
        url.password = "***"
        return url.string ?? "(unprintable)"
    }
}

/// A PostgreSQL error in words: the server's message and SQLSTATE, or what failed on the way there
/// (postgres-nio's own description hides everything, to keep secrets out of logs).
package func describe(_ error: any Error) -> String {
    guard let error = unwrapped(error) as? PSQLError else { return "\(unwrapped(error))" }
    if let info = error.serverInfo {
        let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
        return (info[.message] ?? "server error") + state
    }
    if let underlying = error.underlying { return "\(error.code): \(underlying)" }
    return "\(error.code)"
}

/// The error a transaction's body threw (postgres-nio wraps it with the transaction's context), else `error`.
package func unwrapped(_ error: any Error) -> any Error {
    guard let failed = error as? PostgresTransactionError else { return error }
    return failed.closureError ?? failed.beginError ?? failed.commitError ?? failed.rollbackError ?? error
}
