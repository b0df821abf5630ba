import CometClient
import CometCore
import Foundation

/// Turns a file's events into messages: tag and keys from the options (fixed, a regular expression,
/// or JSON fields), the source as properties, and a `UNIQ_KEY` derived from the line's position, so
/// a line re-sent after a crash carries the same id and consumers can drop the duplicate.
struct TailMessageFactory {
    /// Property with the file's path.
    static let pathProperty = "source_path"
    /// Property with the host name.
    static let hostProperty = "source_host"
    /// Property with the line's byte offset in the file.
    static let offsetProperty = "source_offset"

    let topic: String
    let tag: String?
    let keyPattern: Regex<AnyRegexOutput>?
    let jsonTag: String?
    let jsonKey: String?
    let host: String

    /// The message for `event` of the file at `path`; `keyPrefix` is ``keyPrefix(identity:generation:)``
    /// of the file (computed once per batch, not per line).
    func message(_ event: TailEvent, path: String, keyPrefix: String) -> Message {
        var tags = tag
        var keys: [String] = []
        if jsonTag != nil || jsonKey != nil,
            let object = try? JSONSerialization.jsonObject(with: Data(event.body)) as? [String: Any]
        {
            if let jsonTag, let value = object[jsonTag].flatMap(Self.text) { tags = value }
            if let jsonKey, let value = object[jsonKey].flatMap(Self.text) { keys.append(value) }
        }
        if let keyPattern, let match = try? keyPattern.firstMatch(in: String(decoding: event.body, as: UTF8.self)) {
            // The first capture group when there is one, else the whole match.
            if let captured = match.output[match.output.count > 1 ? 1 : 0].substring { keys.append(String(captured)) }
        }
        let properties = [
            Self.pathProperty: path, Self.hostProperty: host, Self.offsetProperty: String(event.offset),
            "UNIQ_KEY": keyPrefix + Hex.encode(UInt64(bitPattern: event.offset), uppercase: true),
        ]
        return Message(
            topic: topic, body: event.body, tags: tags, keys: keys.filter { !$0.isEmpty }, properties: properties)
    }

    /// The first 16 of a line's 32-hex-digit `UNIQ_KEY`: a hash of host, file identity and truncation
    /// generation (the last 16 are the line's offset).
    func keyPrefix(identity: FileIdentity, generation: Int) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) {
                hash = (hash ^ ((value >> UInt64(shift)) & 0xFF)) &* 0x100_0000_01b3
            }
        }
        for byte in host.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        mix(identity.device)
        mix(identity.inode)
        mix(UInt64(generation))
        return Hex.encode(hash, uppercase: true)
    }

    private static func text(_ value: Any) -> String? {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }
}
