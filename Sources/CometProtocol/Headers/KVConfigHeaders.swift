import CometCore

/// PUT_KV_CONFIG (100) request header.
package struct PutKVConfigRequestHeader: CommandHeader, Equatable {
    package var namespace: String
    package var key: String
    package var value: String

    package init(namespace: String, key: String, value: String) {
        self.namespace = namespace
        self.key = key
        self.value = value
    }
}

/// GET_KV_CONFIG (101) and DELETE_KV_CONFIG (102) request header.
package struct KVConfigKeyRequestHeader: CommandHeader, Equatable {
    package var namespace: String
    package var key: String

    package init(namespace: String, key: String) {
        self.namespace = namespace
        self.key = key
    }
}

/// GET_KV_CONFIG (101) response header.
package struct GetKVConfigResponseHeader: CommandHeader, Equatable {
    package var value: String?

    package init(value: String?) { self.value = value }
}

/// GET_KVLIST_BY_NAMESPACE (219) request header.
package struct GetKVListByNamespaceRequestHeader: CommandHeader, Equatable {
    package var namespace: String

    package init(namespace: String) { self.namespace = namespace }
}
