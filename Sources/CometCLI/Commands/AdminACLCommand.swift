import ArgumentParser
import CometAdmin
import CometClient

extension AdminCommand {
    /// `comet admin acl …`: RocketMQ 4.x plain ACL accounts and white list on the brokers.
    struct ACL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "acl",
            abstract:
                "Manage plain ACL accounts and the global white list on brokers (written to their plain_acl.yml).",
            discussion: """
                Brokers must run with ACL on (--acl FILE or aclEnable=true). Sign these calls with an account \
                of that file (--access-key/--secret-key or COMET_ACCESS_KEY/COMET_SECRET_KEY), or call from a \
                white-listed address. Changes reach every master broker unless --broker names some.
                Example: comet admin acl update --account app-user1 --secret app-secret1 --topic-perm orders=PUB --default-group-perm SUB
                """,
            subcommands: [Update.self, Delete.self, WhiteList.self, Info.self])

        struct Target: ParsableArguments {
            @Option(name: .customLong("broker"), help: "Broker address HOST:PORT (repeatable); default: every master.")
            var brokers: [String] = []
            var selected: [String]? { brokers.isEmpty ? nil : brokers }
        }

        struct Update: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create an account, or update it (unset options keep their current value).")
            @OptionGroup var common: Common
            @OptionGroup var target: Target
            @Option(help: "Access key of the account (more than 6 characters).") var account: String
            @Option(help: "Secret key (more than 6 characters).") var secret: String
            @Option(help: "Addresses that skip the signature check (e.g. 192.168.0.*).") var whiteRemoteAddress: String?
            @Flag(help: "Make the account an admin (may create/delete topics and groups, update broker config).")
            var admin = false
            @Option(help: "Permission on topics not listed: DENY, PUB, SUB or PUB|SUB.") var defaultTopicPerm: String?
            @Option(help: "Permission on groups not listed: DENY, PUB, SUB or PUB|SUB.") var defaultGroupPerm: String?
            @Option(name: .customLong("topic-perm"), help: "TOPIC=PERM (repeatable); replaces the account's list.")
            var topicPerms: [String] = []
            @Option(name: .customLong("group-perm"), help: "GROUP=PERM (repeatable); replaces the account's list.")
            var groupPerms: [String] = []

            func run() async throws {
                let admin = common.admin()
                let update = Admin.ACLAccountUpdate(
                    accessKey: account, secretKey: secret, whiteRemoteAddress: whiteRemoteAddress, admin: self.admin,
                    defaultTopicPerm: defaultTopicPerm, defaultGroupPerm: defaultGroupPerm,
                    topicPerms: topicPerms.isEmpty ? nil : topicPerms, groupPerms: groupPerms.isEmpty ? nil : groupPerms
                )
                let brokers = try await admin.updateACLAccount(update, brokers: target.selected)
                await admin.shutdown()
                try common.output(["updated": brokers]) {
                    "account \(account) updated on \(brokers.joined(separator: ", "))"
                }
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Delete an account.")
            @OptionGroup var common: Common
            @OptionGroup var target: Target
            @Option(help: "Access key of the account.") var account: String

            func run() async throws {
                let admin = common.admin()
                let brokers = try await admin.deleteACLAccount(account, brokers: target.selected)
                await admin.shutdown()
                try common.output(["deleted": brokers]) {
                    "account \(account) deleted on \(brokers.joined(separator: ", "))"
                }
            }
        }

        struct WhiteList: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "white-list", abstract: "Replace the global white list (addresses that skip every check).")
            @OptionGroup var common: Common
            @OptionGroup var target: Target
            @Argument(help: "Address patterns, e.g. 10.0.0.* 192.168.1.{1,2}; none empties the list.")
            var addresses: [String] = []

            func run() async throws {
                let admin = common.admin()
                let brokers = try await admin.updateACLGlobalWhiteAddresses(addresses, brokers: target.selected)
                await admin.shutdown()
                try common.output(["updated": brokers]) {
                    "global white list updated on \(brokers.joined(separator: ", "))"
                }
            }
        }

        struct Info: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show each broker's ACL file version.")
            @OptionGroup var common: Common
            @OptionGroup var target: Target

            func run() async throws {
                let admin = common.admin()
                let infos = try await admin.aclInfo(brokers: target.selected)
                await admin.shutdown()
                try common.output(infos) {
                    infos.map { "\($0.clusterName)\t\($0.brokerName)\t\($0.brokerAddress)\t\($0.version)" }
                        .joined(separator: "\n")
                }
            }
        }
    }
}
