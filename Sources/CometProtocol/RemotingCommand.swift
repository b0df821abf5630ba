package import CometCore
package import NIOCore

/// One remoting frame: a request or a response, with its header fields and optional body.
///
/// `code` is a request code for requests and a response code for responses; ``requestCode`` and
/// ``responseCode`` give the typed views. `extFields` carries the typed custom headers
/// (``CommandHeader``), flattened to strings as Java does.
package struct RemotingCommand: Sendable, Equatable {
    /// Flag bit 0: this command is a response.
    package static let responseFlag: Int32 = 1
    /// Flag bit 1: the sender expects no response.
    package static let onewayFlag: Int32 = 2

    package var code: Int32
    package var language: LanguageCode
    package var version: Int32
    package var opaque: Int32
    package var flag: Int32
    package var remark: String?
    package var extFields: ExtFields
    package var body: ByteBuffer?
    /// More body bytes, sent after ``body`` as they are, each its own write (pulled records that
    /// view the mapped commit log: never copied into one buffer). The frame length counts them.
    /// Only commands being sent use it: a decoded command has its whole body in ``body``.
    package var bodyParts: [ByteBuffer] = []
    /// How the header was (or will be) serialized; responses use the request's.
    package var serializeType: SerializeType

    package init(
        code: Int32, language: LanguageCode = .java, version: Int32 = CometVersion.remotingVersion,
        opaque: Int32 = 0, flag: Int32 = 0, remark: String? = nil, extFields: ExtFields = ExtFields(),
        body: ByteBuffer? = nil, serializeType: SerializeType = .json
    ) {
        self.code = code
        self.language = language
        self.version = version
        self.opaque = opaque
        self.flag = flag
        self.remark = remark
        self.extFields = extFields
        self.body = body
        self.serializeType = serializeType
    }

    /// A request with the given code, typed header and body.
    package static func request(
        _ code: RequestCode, header: (any CommandHeader)? = nil, body: ByteBuffer? = nil, oneway: Bool = false
    ) -> RemotingCommand {
        RemotingCommand(
            code: code.rawValue, flag: oneway ? onewayFlag : 0, extFields: header?.fields ?? ExtFields(), body: body)
    }

    /// A response to `request`: echoes its opaque and serialization.
    package static func response(
        to request: RemotingCommand, code: ResponseCode = .success, remark: String? = nil,
        header: (any CommandHeader)? = nil, body: ByteBuffer? = nil
    ) -> RemotingCommand {
        RemotingCommand(
            code: code.rawValue, opaque: request.opaque, flag: responseFlag, remark: remark,
            extFields: header?.fields ?? ExtFields(),
            body: body, serializeType: request.serializeType)
    }

    /// Bytes of the body on the wire: ``body`` and ``bodyParts``.
    package var bodyLength: Int {
        bodyParts.reduce(body?.readableBytes ?? 0) { $0 + $1.readableBytes }
    }

    /// Whether the response bit is set.
    package var isResponse: Bool { flag & Self.responseFlag != 0 }
    /// Whether the oneway bit is set. The C++ client sends its "oneway" calls without it.
    package var isOneway: Bool { flag & Self.onewayFlag != 0 }
    /// The code read as a request code.
    package var requestCode: RequestCode { RequestCode(code) }
    /// The code read as a response code.
    package var responseCode: ResponseCode { ResponseCode(code) }

    /// Decodes the typed header `H` from `extFields`.
    package func decodeHeader<H: CommandHeader>(_ type: H.Type = H.self) throws(CometError) -> H {
        try H(fields: extFields)
    }
}

extension RemotingCommand: CustomStringConvertible {
    /// A one-line summary for logs (no body bytes).
    package var description: String {
        let kind = isResponse ? "response \(responseCode)" : "request \(requestCode)"
        var text = "\(kind)(\(code)) opaque=\(opaque) lang=\(language) v=\(version) flag=\(flag)"
        if let remark, !remark.isEmpty { text += " remark=\(remark)" }
        if !extFields.isEmpty {
            text += " ext=\(extFields)"
        }
        if body != nil || !bodyParts.isEmpty { text += " body=\(bodyLength)B" }
        return text
    }
}
