package import CometCore
package import NIOCore

/// The JSON header form (serialize type 0): what the C++ client and Java's default use.
package enum JSONHeaderCodec {
    /// Decodes a header; `header` holds exactly the header bytes. The members are read as they are
    /// parsed (no intermediate dictionary): `extFields` values go straight into the command's fields,
    /// numbers and booleans as their text (the C++ client writes some fields as JSON numbers).
    package static func decode(_ header: ByteBuffer) throws(CometError) -> RemotingCommand {
        var command = RemotingCommand(code: 0, language: .other, version: 0, serializeType: .json)
        var code: Int32?
        do {
            try header.withUnsafeReadableBytes { raw throws(CometError) in
                try JSONParser.withParser(raw) { parser throws(CometError) in
                    try parser.forEachMember { key, parser throws(CometError) in
                        try member(key, &parser, &command, &code)
                    }
                }
            }
        } catch  where error.code == .malformedBody {
            throw CometError(.malformedHeader, "JSON header: \(error.message)")
        }
        guard let code else { throw CometError(.malformedHeader, "JSON header has no integer 'code'") }
        command.code = code
        return command
    }

    private static func member(
        _ key: String, _ parser: inout JSONParser, _ command: inout RemotingCommand, _ code: inout Int32?
    ) throws(CometError) {
        switch key {
        case "extFields":
            if parser.isAtObject {
                var fields = ExtFields(minimumCapacity: 16)
                try parser.forEachMember { name, parser throws(CometError) in
                    if let text = try parser.value().stringValue { fields.append(name, text) }
                }
                command.extFields = fields
            } else {
                let value = try parser.value()
                guard value == .null else {
                    throw CometError(.malformedHeader, "JSON header 'extFields' is not an object")
                }
            }
        case "code": code = try parser.value().int64Value.flatMap { Int32(exactly: $0) }
        case "language":
            switch try parser.value() {
            case .string(let name): command.language = LanguageCode(name: name)
            case .number(let n): command.language = UInt8(n).map(LanguageCode.init(rawValue:)) ?? .other
            default: command.language = .other
            }
        case "version": command.version = try parser.value().int64Value.flatMap { Int32(exactly: $0) } ?? 0
        case "opaque": command.opaque = try parser.value().int64Value.flatMap { Int32(exactly: $0) } ?? 0
        case "flag": command.flag = try parser.value().int64Value.flatMap { Int32(exactly: $0) } ?? 0
        case "remark": command.remark = try parser.value().stringValue
        default: _ = try parser.value()
        }
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
