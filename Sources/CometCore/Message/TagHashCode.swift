/// Java `String.hashCode()` semantics for tag codes and index keys (message-format.md §7).
package enum TagHashCode {
    /// `h = 31*h + c` over UTF-16 code units with 32-bit wrap-around; `""` → 0.
    package static func javaHashCode(_ string: String) -> Int32 {
        var hash: Int32 = 0
        for unit in string.utf16 {
            hash = hash &* 31 &+ Int32(unit)
        }
        return hash
    }

    /// The consume-queue tags code of a `TAGS` value: its Java hash sign-extended to 64 bits;
    /// nil or empty tags → 0.
    package static func tagsCode(_ tags: String?) -> Int64 {
        guard let tags, !tags.isEmpty else { return 0 }
        return Int64(javaHashCode(tags))
    }
}
