import SwitchyardCore

/// The top line: product, mode, workload, policy (or the A/B pair), clock and speed, and throughput.
///
/// When the line is too narrow, the least important items drop out first (tokens/s, then completions, ...).
enum HeaderView {
    /// Draws the header into the first row of `canvas`; a policy in `references` is labelled `ref`.
    static func draw(_ snapshot: ClusterSnapshot, references: Set<String> = [], in canvas: Canvas) {
        canvas.fill(" ", style: .dim)
        // (priority, text, right-aligned); a higher priority number drops first.
        var items: [(priority: Int, text: StyledText, right: Bool)] = []
        items.append((0, StyledText(" SWITCHYARD ", CellStyle.accent.bold.reversed), false))
        items.append((1, StyledText(snapshot.mode.rawValue, CellStyle.decode.bold), false))
        items.append((6, StyledText(snapshot.workload, .text), false))
        items.append((2, policyText(snapshot, references: references), false))
        items.append((3, clockText(snapshot), false))
        if snapshot.routerQueue > 0 {
            var queue = StyledText("held ", .dim)
            queue.append(Format.thousands(snapshot.routerQueue), CellStyle.warn.bold)
            items.append((5, queue, true))
        }
        if let imbalance = snapshot.imbalance {
            // An instance whose queue or KV usage stands out from the others, as the engine monitors warn.
            var text = StyledText("imbalance ", CellStyle.warn.bold)
            text.append(imbalance, .warn)
            items.append((3, text, false))
        }
        if let admission = snapshot.admission {
            // Admission control: requests waiting for their TTFT objective, and requests shed (answered 429).
            var text = StyledText("slo-wait ", .dim)
            text.append(Format.thousands(admission.waiting), admission.waiting > 0 ? CellStyle.warn.bold : .text)
            text.append("  shed ", .dim)
            text.append(Format.thousands(admission.shed), admission.shed > 0 ? CellStyle.warn.bold : .text)
            items.append((5, text, true))
            if let reason = admission.lastShedReason {
                var last = StyledText("last shed: ", .dim)
                last.append(String(reason.prefix(48)), .warn)
                items.append((10, last, true))
            }
        }
        if snapshot.watchOnly {
            // Nothing passes through: the engines' own counters are the only rates.
            let done = snapshot.engineCompletionsPerSecond.map(Format.rate) ?? "–"
            let tokens = snapshot.engineTokensPerSecond.map { Format.thousands(Int($0)) } ?? "–"
            items.append((4, rate("engines done", done, "/s"), true))
            items.append((8, rate("", tokens, " tok/s"), true))
        } else {
            items.append((4, rate("in", Format.rate(snapshot.arrivalsPerSecond), "/s"), true))
            items.append((7, rate("out", Format.rate(snapshot.completionsPerSecond), "/s"), true))
            items.append((8, rate("", Format.thousands(Int(snapshot.tokensPerSecond)), " tok/s"), true))
            if let engines = engineText(snapshot) { items.append((9, engines, true)) }
        }
        if let hit = snapshot.prefixHitRate {
            var text = StyledText("prefix hit ", .dim)
            text.append(Format.percent(hit), .accent)
            items.append((9, text, true))
        }

        let gap = 2
        func total(_ list: [(priority: Int, text: StyledText, right: Bool)]) -> Int {
            list.reduce(0) { $0 + $1.text.width } + gap * max(0, list.count - 1) + 1
        }
        while total(items) > canvas.width,
            let drop = items.indices.max(by: { items[$0].priority < items[$1].priority }),
            items[drop].priority > 0
        {
            items.remove(at: drop)
        }
        var left = StyledText()
        for item in items where !item.right {
            if left.width > 0 { left.append(String(repeating: " ", count: gap)) }
            left.append(item.text)
        }
        var right = StyledText()
        for item in items where item.right {
            right.append(item.text)
            right.append(String(repeating: " ", count: gap))
        }
        canvas.write(left.truncated(to: canvas.width), x: 0, y: 0)
        canvas.writeRight(right, y: 0)
    }

    /// The engines' own token rate, when it differs from the router's by more than a tenth (traffic that did not
    /// pass through the router, or tokens of requests still streaming): `engines 1,320 tok/s`.
    static func engineText(_ snapshot: ClusterSnapshot) -> StyledText? {
        guard let engines = snapshot.engineTokensPerSecond else { return nil }
        let own = snapshot.tokensPerSecond
        guard abs(engines - own) > max(5, 0.1 * max(engines, own)) else { return nil }
        return rate("engines", Format.thousands(Int(engines)), " tok/s")
    }

    private static func policyText(_ snapshot: ClusterSnapshot, references: Set<String>) -> StyledText {
        func label(_ name: String) -> StyledText? {
            references.contains(name) ? StyledText(" ref", CellStyle.warn.bold) : nil
        }
        if let twin = snapshot.twin {
            var text = StyledText("A: ", .dim)
            text.append(snapshot.policy, CellStyle.accent.bold)
            if let ref = label(snapshot.policy) { text.append(ref) }
            text.append(" | ", .dim)
            text.append("B: ", .dim)
            text.append(twin.policy, CellStyle.decode.bold)
            if let ref = label(twin.policy) { text.append(ref) }
            return text
        }
        var text = StyledText("policy: ", .dim)
        text.append(snapshot.policy, CellStyle.accent.bold)
        if let ref = label(snapshot.policy) { text.append(ref) }
        return text
    }

    private static func clockText(_ snapshot: ClusterSnapshot) -> StyledText {
        var text = StyledText("t=", .dim)
        text.append(Format.fixed(snapshot.clock, 1) + "s", .text)
        text.append(" ")
        if snapshot.paused {
            text.append("PAUSED", CellStyle.warn.bold.reversed)
        } else {
            text.append("×" + Format.speed(snapshot.speed), .text)
        }
        return text
    }

    private static func rate(_ label: String, _ value: String, _ unit: String) -> StyledText {
        var text = StyledText()
        if !label.isEmpty { text.append(label + " ", .dim) }
        text.append(value, .text)
        text.append(unit, .dim)
        return text
    }
}
