import CometCore
import CometRemoting
import Logging

extension Broker {
    /// The broker's request processor, behind the plain ACL when the configuration turns it on.
    static func makeProcessor(
        controller: BrokerController, logger: Logger
    ) throws(CometError) -> (processor: any RequestProcessor, acl: AccessValidator?) {
        let broker = BrokerProcessor(controller: controller)
        // Timed inside the ACL check: requests it denies are not timed.
        if let metrics = controller.metrics {
            return try guarded(MetricsProcessor(metrics: metrics, next: broker), controller: controller, logger: logger)
        }
        return try guarded(broker, controller: controller, logger: logger)
    }

    private static func guarded<Processor: RequestProcessor>(
        _ processor: Processor, controller: BrokerController, logger: Logger
    ) throws(CometError) -> (processor: any RequestProcessor, acl: AccessValidator?) {
        let configuration = controller.configuration
        guard let path = try configuration.acl.resolvedFile() else { return (processor, nil) }
        let validator: AccessValidator
        do {
            validator = try AccessValidator(path: path, logger: logger)
        } catch {
            throw CometError(.invalidConfiguration, "ACL file \(path): \(error.message)")
        }
        logger.info(
            "plain ACL enabled",
            metadata: ["acl.file": "\(path)", "acl.accounts": "\(validator.config.accounts.count)"])
        let guarded = AccessControlProcessor(validator: validator, next: processor) { [controller] in
            (configuration.brokerName, controller.address ?? "", configuration.clusterName)
        }
        return (guarded, validator)
    }
}
