package import CometCore
package import NIOCore

/// The JSON header form (serialize type 0): what the C++ client and Java's default use.
package enum JSONHeaderCodec {
    /// Decodes a header; `header` holds exactly the header bytes.
    package static func decode(_ header: ByteBuffer) throws(CometError) -> RemotingCommand {
        let value: JSONValue
        do {
            value = try header.withUnsafeReadableBytes { raw throws(CometError) in try JSONParser.parse(raw) }
        } catch {
            throw CometError(.malformedHeader, "JSON header: \(error.message)")
        }
        guard case .object(let members) = value else {
            throw CometError(.malformedHeader, "JSON header is not an object")
        }
        guard let code = members["code"]?.int64Value, let code32 = Int32(exactly: code) else {
            throw CometError(.malformedHeader, "JSON header has no integer 'code'")
        }
        var command = RemotingCommand(code: code32, serializeType: .json)
        switch members["language"] {
        case .string(let name): command.language = LanguageCode(name: name)
        case .number(let n): command.language = UInt8(n).map(LanguageCode.init(rawValue:)) ?? .other
        default: command.language = .other
        }
        command.version = members["version"]?.int64Value.flatMap { Int32(exactly: $0) } ?? 0
        command.opaque = members["opaque"]?.int64Value.flatMap { Int32(exactly: $0) } ?? 0
        command.flag = members["flag"]?.int64Value.flatMap { Int32(exactly: $0) } ?? 0
        command.remark = members["remark"]?.stringValue
        switch members["extFields"] {
        case .object(let fields):
            var ext: [String: String] = [:]
            ext.reserveCapacity(fields.count)
            for (key, value) in fields {
                if let text = value.stringValue { ext[key] = text }
            }
            command.extFields = ext
        case nil, .null: break
        default: throw CometError(.malformedHeader, "JSON header 'extFields' is not an object")
        }
        return command
    }

    /// Appends the JSON header of `command` to `buffer`. Every extFields value is a JSON string:
    /// the C++ client ignores fields of any other type.
    package static func encode(_ command: RemotingCommand, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"code\":")
        buffer.writeString(String(command.code))
        buffer.writeStaticString(",\"extFields\":{")
        var first = true
        for (key, value) in command.extFields {
            if !first { buffer.writeInteger(UInt8(ascii: ",")) }
            first = false
            JSONWriter.writeString(key, into: &buffer)
            buffer.writeInteger(UInt8(ascii: ":"))
            JSONWriter.writeString(value, into: &buffer)
        }
        buffer.writeStaticString("},\"flag\":")
        buffer.writeString(String(command.flag))
        buffer.writeStaticString(",\"language\":")
        JSONWriter.writeString(command.language.description, into: &buffer)
        buffer.writeStaticString(",\"opaque\":")
        buffer.writeString(String(command.opaque))
        if let remark = command.remark {
            buffer.writeStaticString(",\"remark\":")
            JSONWriter.writeString(remark, into: &buffer)
        }
        buffer.writeStaticString(",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":")
        buffer.writeString(String(command.version))
        buffer.writeInteger(UInt8(ascii: "}"))
    }
}
