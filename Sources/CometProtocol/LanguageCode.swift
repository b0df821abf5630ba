/// The `language` of a remoting command: the sender's implementation language.
///
/// JSON headers carry the name, binary headers the byte code (RocketMQ `LanguageCode`).
package struct LanguageCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }

    package static let java = LanguageCode(rawValue: 0)
    package static let cpp = LanguageCode(rawValue: 1)
    package static let other = LanguageCode(rawValue: 7)

    private static let names = [
        "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST",
    ]

    /// Looks a language up by its JSON name; unknown names map to `OTHER`.
    package init(name: String) {
        self = Self.names.firstIndex(of: name).map { LanguageCode(rawValue: UInt8($0)) } ?? .other
    }

    /// The JSON name; unknown byte codes print as `OTHER`.
    package var description: String { Int(rawValue) < Self.names.count ? Self.names[Int(rawValue)] : "OTHER" }
}

/// How a command's header is serialized: the top byte of the header-length word.
package enum SerializeType: UInt8, Sendable, Hashable {
    /// JSON text; what the C++ client and Java's default use.
    case json = 0
    /// RocketMQ's compact binary form (`RocketMQSerializable`).
    case rocketmq = 1
}
