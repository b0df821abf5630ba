/// Comet's own release version, printed by `comet --version`.
package enum CometVersion {
    package static let current = "0.1.0"

    /// The RocketMQ `MQVersion` ordinal Comet reports in the `version` field of commands it sends
    /// (V4_9_8 = 409), so peers apply 4.9.8 semantics.
    package static let remotingVersion: Int32 = 409
}
