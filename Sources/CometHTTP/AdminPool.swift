import CometAdmin
import CometClient
import Foundation
import Hummingbird
import Synchronization

/// The admin clients of the HTTP API: one for everyone without ACL; with ACL one per admin
/// account, made on first use with that account's keys (so brokers check and sign its requests).
final class AdminPool: Sendable {
    private let base: ClientConfiguration
    private let authenticate: HTTPEndpointConfiguration.Authenticator?
    private let admins = Mutex<[String: Admin]>([:])
    private let producers = Mutex<[String: Task<Producer, any Error>]>([:])

    init(configuration: ClientConfiguration, authenticate: HTTPEndpointConfiguration.Authenticator?) {
        base = configuration
        self.authenticate = authenticate
    }

    /// Whether requests must carry an admin account's keys.
    var requiresLogin: Bool { authenticate != nil }

    /// The client configuration for `request`'s caller (with their keys when ACL is on).
    func configuration(for request: Request) throws(ClientError) -> ClientConfiguration {
        do {
            return try configuration(credentials: credentials(of: request))
        } catch {
            throw ClientError(.invalidArgument, "\(error)")
        }
    }

    /// The admin client for `request`'s caller; throws 401 when ACL is on and the request carries
    /// no admin account's keys.
    func admin(for request: Request) throws -> Admin {
        let keys = try credentials(of: request)
        let configuration = configuration(credentials: keys)
        return admins.withLock { admins in
            if let admin = admins[keys?.accessKey ?? ""] { return admin }
            let admin = Admin(configuration: configuration)
            admins[keys?.accessKey ?? ""] = admin
            return admin
        }
    }

    /// A started producer for test messages sent from the dashboard (one per caller).
    func producer(for request: Request) async throws(ClientError) -> Producer {
        let keys: Credentials?
        do {
            keys = try credentials(of: request)
        } catch {
            throw ClientError(.invalidArgument, "\(error)")
        }
        let configuration = configuration(credentials: keys)
        let task = producers.withLock { producers in
            if let task = producers[keys?.accessKey ?? ""] { return task }
            let task = Task<Producer, any Error> {
                let producer = Producer(group: "comet-dashboard", configuration: configuration)
                try await producer.start()
                return producer
            }
            producers[keys?.accessKey ?? ""] = task
            return task
        }
        do {
            return try await task.value
        } catch {
            producers.withLock { _ = $0.removeValue(forKey: keys?.accessKey ?? "") }
            throw error as? ClientError ?? ClientError(.notRunning, "\(error)")
        }
    }

    /// Stops every client made.
    func shutdown() async {
        for admin in admins.withLock({ Array($0.values) }) { await admin.shutdown() }
        for task in producers.withLock({ Array($0.values) }) {
            if let producer = try? await task.value { await producer.shutdown() }
        }
    }

    private func configuration(credentials: Credentials?) -> ClientConfiguration {
        var configuration = base
        configuration.instanceName = "comet-http"
        if let credentials { configuration.credentials = credentials }
        return configuration
    }

    /// `Authorization: Basic base64(accessKey:secretKey)` or `Bearer accessKey:secretKey`.
    private func credentials(of request: Request) throws -> Credentials? {
        guard let authenticate else { return nil }
        guard let header = request.headers[.authorization],
            let (accessKey, secretKey) = Self.parseAuthorization(header),
            authenticate(accessKey, secretKey)
        else {
            // The dashboard shows its own login form: no browser prompt for its requests.
            let prompt = request.headers[.init("X-Requested-With")!] == nil
            throw HTTPError(
                .unauthorized, headers: prompt ? [.wwwAuthenticate: "Basic realm=\"comet\""] : [:],
                message: "an admin account's access key and secret key are required (ACL is on)")
        }
        return Credentials(accessKey: accessKey, secretKey: secretKey)
    }

    static func parseAuthorization(_ header: String) -> (String, String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let pair: String
        switch parts[0].lowercased() {
        case "basic":
            guard let data = Data(base64Encoded: String(parts[1])), let text = String(data: data, encoding: .utf8)
            else { return nil }
            pair = text
        case "bearer": pair = String(parts[1])
        default: return nil
        }
        guard let colon = pair.firstIndex(of: ":") else { return nil }
        return (String(pair[..<colon]), String(pair[pair.index(after: colon)...]))
    }
}
