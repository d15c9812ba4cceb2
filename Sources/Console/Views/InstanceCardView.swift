import SwitchyardCore

/// One instance as a bordered card, 30 to 60 columns by 7 rows:
///
/// ```
/// ╭ i0 ● up ───────────────────╮
/// │ prefill ▮▮▮  3 q  4.1k tok │
/// │ decode  ▮▮▮▮▮▮▮▮  42 run   │
/// │ KV ███████░░░░░░░  47%     │
/// │ pred <256 ▆ 256-2k ▃ 2k+ ▁ │
/// │ preempt 0   done 1,204     │
/// ╰────────────────────────────╯
///
/// With a prefix cache at work, the last line also shows its hit rate (`hit 38%`) in place of the block count.
/// ```
///
/// On a live cluster the card has one more line: TTFT p50/p99 over the last minute from the engine's own histograms
/// (or, for an engine with none, `gw ttft` as the gateway measured it), E2E when there is room, and the tokens per
/// second the engine generated (`ttft 85ms/0.41s  e2e 3.1s/9.8s  340 tok/s`).
enum InstanceCardView {
    static let height = 7
    /// The height with the live line.
    static let liveHeight = 8

    /// The card height for a snapshot: with the live line on a live cluster.
    static func height(for snapshot: ClusterSnapshot) -> Int { snapshot.mode == .live ? liveHeight : height }
    static let minWidth = 30
    static let maxWidth = 60

    /// Draws `instance` as a card filling `canvas`.
    static func draw(
        _ instance: InstanceSnapshot,
        bucketLabels: [String],
        scale: CardScale,
        focused: Bool,
        in canvas: Canvas
    ) {
        var title = StyledText(instance.name, focused ? CellStyle.accent.bold.reversed : CellStyle.text.bold)
        title.append(" ")
        title.append(instance.health.badge)
        if let note = instance.healthNote {
            // As much of the reason as the title has room for; the detail view shows all of it.
            title.append(" " + Format.truncate(note, max(0, canvas.width - title.width - 6)), .dim)
        }
        let border: CellStyle = focused ? CellStyle.accent.bold : instance.health == .down ? .crit : .dim
        let box = Box.draw(in: canvas, title: title, border: border)
        let inner = box.sub(Rect(x: 1, y: 0, width: box.width - 2, height: box.height))
        let w = inner.width

        var queueText = StyledText("\(Format.thousands(instance.prefillQueue)) q", .text)
        queueText.append("  " + Format.compact(instance.prefillQueueTokens), .text)
        queueText.append(" tok", .dim)
        drawPipLine(
            label: "prefill ",
            count: instance.prefillQueue,
            scale: scale.queue,
            style: .prefill,
            right: queueText,
            y: 0,
            in: inner
        )

        var runText = StyledText("\(Format.thousands(instance.decoding)) run", .text)
        if instance.prefilling > 0 {
            runText.append("  \(instance.prefilling)", .prefill)
            runText.append(" pf", .dim)
        }
        drawPipLine(
            label: "decode  ",
            count: instance.decoding,
            scale: scale.decode,
            style: .decode,
            right: runText,
            y: 1,
            in: inner
        )

        let gauge = Bar.gauge(instance.kvUsage, width: max(0, w - 3 - 5))
        var kv = StyledText("KV ", .dim)
        kv.append(gauge.filled, CellStyle(.kv(instance.kvUsage)))
        kv.append(gauge.empty, .dim)
        kv.append(Format.pad(Format.percent(instance.kvUsage), 5, right: true), CellStyle(.kv(instance.kvUsage)))
        inner.write(kv, y: 2)

        inner.write(histogram(instance.predictedBuckets, labels: bucketLabels, width: w), y: 3)

        var last = StyledText("preempt ", .dim)
        last.append("\(instance.preemptions)", instance.preemptions > 0 ? .warn : .text)
        last.append("   done ", .dim)
        last.append(Format.thousands(instance.completed), .text)
        var blocks = StyledText("blk ", .dim)
        blocks.append("\(Format.compact(instance.kvBlocksUsed))/\(Format.compact(instance.kvBlocksTotal))", .dim)
        inner.write(last, y: 4)
        if let rate = instance.prefixHitRate {
            var hit = StyledText("hit ", .dim)
            hit.append(Format.percent(rate), .accent)
            if last.width + 2 + hit.width <= w { inner.writeRight(hit, y: 4) }
        } else if instance.kvBlocksTotal > 0, last.width + 2 + blocks.width <= w {
            inner.writeRight(blocks, y: 4)
        }
        if inner.height > 5 { inner.write(liveLine(instance, width: w), y: 5) }
    }

    /// `ttft 85ms/0.41s  e2e 3.1s/9.8s  340 tok/s`: p50/p99 over the last minute, the engine's when it publishes
    /// histograms, else the gateway's (`gw ttft`); the rate, then E2E, drop out when the line is too narrow.
    static func liveLine(_ instance: InstanceSnapshot, width: Int) -> StyledText {
        let engine = instance.engine?.latency
        let fromEngine = engine?.ttft != nil || engine?.e2e != nil
        let latency = fromEngine ? engine : instance.gateway
        func pair(_ label: String, _ summary: LatencySummary?) -> StyledText? {
            guard let summary, summary.count > 0 else { return nil }
            var text = StyledText((fromEngine ? "" : "gw ") + label + " ", .dim)
            text.append(Format.seconds(summary.p50), .text)
            text.append("/", .dim)
            text.append(Format.seconds(summary.p99), summary.p99 > 4 * max(summary.p50, 1e-3) ? .warn : .text)
            return text
        }
        let ttft = pair("ttft", latency?.ttft)
        let e2e = pair("e2e", latency?.e2e)
        var rate: StyledText?
        if let tokens = instance.engine?.generationTokensPerSecond {
            var text = StyledText(Format.compact(Int(tokens.rounded())), .text)
            text.append(" tok/s", .dim)
            rate = text
        }
        let candidates: [[StyledText?]] = [[ttft, e2e, rate], [ttft, e2e], [ttft, rate], [ttft], [rate]]
        for candidate in candidates {
            let parts = candidate.compactMap { $0 }
            guard !parts.isEmpty else { continue }
            var line = StyledText()
            for part in parts {
                if line.width > 0 { line.append("  ") }
                line.append(part)
            }
            if line.width <= width { return line }
        }
        return StyledText("no latency measured yet", .dim).truncated(to: width)
    }

    /// `label`, then pips, then `right` aligned to the right edge.
    private static func drawPipLine(
        label: String,
        count: Int,
        scale: Int,
        style: CellStyle,
        right: StyledText,
        y: Int,
        in canvas: Canvas
    ) {
        let pipWidth = max(0, canvas.width - label.count - right.width - 1)
        var line = StyledText(label, .dim)
        line.append(Bar.pips(count, scale: max(scale, pipWidth), width: pipWidth), style)
        canvas.write(line, y: y)
        canvas.writeRight(right, y: y)
    }

    /// `pred <256 ▆ 12  256-2k ▃ 4  2k+ ▁ 1`, or without the counts when that is too wide.
    static func histogram(_ buckets: [Int], labels: [String], width: Int) -> StyledText {
        let top = Double(buckets.max() ?? 0)
        for withCounts in [true, false] {
            var line = StyledText("pred", .dim)
            for (index, count) in buckets.enumerated() {
                let label = index < labels.count ? labels[index] : "b\(index)"
                line.append(withCounts && index > 0 ? "  " : " ")
                line.append(label + " ", .dim)
                if count > 0 {
                    line.append(String(Sparkline.glyph(Double(count), maximum: top)), .accent)
                } else {
                    line.append("▁", .dim)
                }
                if withCounts { line.append(" \(count)", count > 0 ? .text : .dim) }
            }
            if line.width <= width || !withCounts { return line }
        }
        return StyledText()
    }
}
