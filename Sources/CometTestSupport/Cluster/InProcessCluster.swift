// Re-exported so code importing CometTestSupport keeps seeing the fixture's members.
@_exported public import CometTesting

/// The in-process name server + broker fixture of Comet's own tests and benches: the same cluster
/// the public `CometTesting` product gives users (``EmbeddedCluster/with(logger:configure:_:)``).
package typealias InProcessCluster = EmbeddedCluster
