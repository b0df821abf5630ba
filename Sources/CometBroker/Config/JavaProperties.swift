/// Parses `java.util.Properties` text (`Properties.load`), the format of RocketMQ's broker.conf
/// and of UPDATE_BROKER_CONFIG bodies: `key=value`, `key:value` or `key value` lines, `#`/`!`
/// comments, a trailing odd backslash continuing the line (the next line's leading blanks are
/// dropped), and escapes (`\t`, `\n`, `\r`, `\f`, `\uXXXX`, `\x` for any other x).
enum JavaProperties {
    struct Entry: Equatable {
        var key: String
        var value: String
        /// The 1-based line the entry starts on.
        var line: Int
    }

    static func parse(_ text: String) -> [Entry] {
        var entries: [Entry] = []
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        var index = 0
        while index < lines.count {
            let startLine = index + 1
            var logical = String(lines[index].drop { isBlank($0) })
            index += 1
            if logical.isEmpty || logical.hasPrefix("#") || logical.hasPrefix("!") { continue }
            while endsWithContinuation(logical) {
                logical.removeLast()
                guard index < lines.count else { break }
                logical += lines[index].drop { isBlank($0) }
                index += 1
            }
            entries.append(split(logical, line: startLine))
        }
        return entries
    }

    private static func isBlank(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\u{0C}" }

    private static func endsWithContinuation(_ line: String) -> Bool {
        var count = 0
        for c in line.reversed() {
            guard c == "\\" else { break }
            count += 1
        }
        return count % 2 == 1
    }

    private static func split(_ line: String, line number: Int) -> Entry {
        var key = ""
        var rest = Substring(line)
        var escaped = false
        while let c = rest.first {
            if escaped {
                key.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
                key.append(c)
            } else if c == "=" || c == ":" || isBlank(c) {
                break
            } else {
                key.append(c)
            }
            rest.removeFirst()
        }
        rest = rest.drop { isBlank($0) }
        if let c = rest.first, c == "=" || c == ":" { rest.removeFirst() }
        rest = rest.drop { isBlank($0) }
        return Entry(key: unescape(key), value: unescape(String(rest)), line: number)
    }

    private static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var result = ""
        var iterator = Array(text)[...]
        while let c = iterator.popFirst() {
            guard c == "\\", let next = iterator.popFirst() else {
                result.append(c)
                continue
            }
            switch next {
            case "t": result.append("\t")
            case "n": result.append("\n")
            case "r": result.append("\r")
            case "f": result.append("\u{0C}")
            case "u":
                let hex = String(iterator.prefix(4))
                if hex.count == 4, let scalar = UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init) {
                    result.unicodeScalars.append(scalar)
                    iterator = iterator.dropFirst(4)
                } else {
                    result.append("u")
                }
            default: result.append(next)
            }
        }
        return result
    }
}
