import CometCore

/// Why the ACL refused a request or a configuration, with the text RocketMQ 4.9.8 puts in its
/// `AclException` and the Java stack frame that throws it.
///
/// Upstream's remoting layer answers an exception escaping the ACL hook with SYSTEM_ERROR (1) and
/// the remark `<exception class>: <message>, <top stack frame>` (`RemotingHelper.exceptionSimpleDesc`).
/// Clients surface that remark as is, so Comet reproduces it, frame included.
package struct ACLError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    /// `Class.method(File.java:line)` of the upstream throw site.
    package var frame: String
    /// The requester was not recognised (no or unknown access key, bad signature), as opposed to
    /// recognised and not allowed; v5 answers the first with UNAUTHORIZED and the second with FORBIDDEN.
    package var isAuthenticationFailure = false

    package init(_ message: String, frame: String) {
        self.message = message
        self.frame = frame
    }

    /// The response remark upstream sends for this denial.
    package var remark: String { "org.apache.rocketmq.acl.common.AclException: \(message), \(frame)" }
    package var description: String { message }

    private static let manager = "org.apache.rocketmq.acl.plain.PlainPermissionManager"

    static func validate(_ message: String, line: Int) -> ACLError {
        var error = ACLError(message, frame: "\(manager).validate(PlainPermissionManager.java:\(line))")
        error.isAuthenticationFailure = true
        return error
    }

    static func checkPerm(_ message: String, line: Int) -> ACLError {
        ACLError(message, frame: "\(manager).checkPerm(PlainPermissionManager.java:\(line))")
    }

    static func parse(_ message: String) -> ACLError {
        ACLError(
            message, frame: "org.apache.rocketmq.acl.plain.PlainAccessValidator.parse(PlainAccessValidator.java:134)")
    }

    /// A configuration problem found while loading or updating (no wire frame needed).
    static func load(_ message: String) -> ACLError {
        ACLError(message, frame: "\(manager).load(PlainPermissionManager.java)")
    }
}

/// RocketMQ's ACL permission bits (`org.apache.rocketmq.acl.common.Permission`).
package enum ACLPermission {
    package static let deny: UInt8 = 1
    package static let any: UInt8 = 2
    package static let pub: UInt8 = 4
    package static let sub: UInt8 = 8

    /// `PUB`, `SUB`, `PUB|SUB`, `SUB|PUB`, `DENY`; anything else (or nothing) is DENY.
    package static func parse(_ text: String?) -> UInt8 {
        switch text?.trimmed {
        case "PUB": return pub
        case "SUB": return sub
        case "PUB|SUB", "SUB|PUB": return pub | sub
        default: return deny
        }
    }

    /// The canonical text written back to the file.
    package static func text(_ value: UInt8) -> String {
        switch value {
        case pub: return "PUB"
        case sub: return "SUB"
        case pub | sub: return "PUB|SUB"
        default: return "DENY"
        }
    }

    /// `Permission.checkPermission`: an owned DENY always fails.
    package static func check(needed: UInt8, owned: UInt8) -> Bool {
        if owned & deny != 0 { return false }
        if needed & any != 0 { return owned & pub != 0 || owned & sub != 0 }
        return needed & owned != 0
    }

    /// Codes that need an `admin: true` account (`Permission.ADMIN_CODE` in 4.9.8): create/update topic,
    /// update broker config, delete topic, create/update and delete subscription group.
    package static let adminCodes: Set<Int32> = [17, 25, 215, 200, 207]
}
