import CometCore
import CometStore

extension Broker {
    /// Starts the background services of delayed, timer and transactional messages.
    func addMessageServices(
        to group: inout ThrowingDiscardingTaskGroup<any Error>, store: MessageStore
    ) throws(CometError) {
        let schedule = try ScheduleMessageService(controller: controller, store: store)
        controller.didStart(schedule: schedule)
        let timer = try TimerMessageService(controller: controller, store: store)
        let transactions = controller.transactions
        group.addTask { await schedule.run() }
        group.addTask {
            await timer.run()
            timer.persist()
        }
        group.addTask { await transactions.run(store: store) }
    }
}
