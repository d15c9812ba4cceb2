/// Scripted actions waiting for the next frame: a script task appends, the frame loop drains.
actor ActionInbox {
    private var pending: [ConsoleAction] = []

    func append(_ action: ConsoleAction) { pending.append(action) }

    /// Everything appended since the last call, oldest first.
    func drain() -> [ConsoleAction] {
        let actions = pending
        pending.removeAll()
        return actions
    }
}
