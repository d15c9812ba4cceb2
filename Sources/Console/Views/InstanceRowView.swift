import SwitchyardCore

/// One instance on one line, for clusters too large for cards:
///
/// `i0  ● up     pf   3 ▮▮▮  4.1k  dec  42 ▮▮▮▮▮▮  KV ███░░░  47%  ▆▃▁  pre 0  done 120`
///
/// Bars share what width is left; `done`, `pre` and the histogram drop out on narrow lines.
enum InstanceRowView {
    /// Draws `instance` into row `y` of `canvas`.
    static func draw(
        _ instance: InstanceSnapshot,
        nameWidth: Int,
        scale: CardScale,
        focused: Bool,
        y: Int,
        in canvas: Canvas
    ) {
        let w = canvas.width
        var showPred = true
        var showPre = true
        var showDone = true
        var showHit = instance.prefixHitRate != nil
        // Why the metrics are stale, and how old they are (`metrics 7 s old: HTTP 500 from /metrics`).
        var showNote = instance.health == .stale && instance.healthNote != nil
        let noteWidth = min(40, (instance.healthNote?.count ?? 0) + 2)
        let bucketCount = instance.predictedBuckets.count
        let doneText = Format.thousands(instance.completed)
        func fixedWidth() -> Int {
            var total = nameWidth + 9  // name, " ● stale"
            total += 2 + 3 + 4 + 1 + 5  // "  pf " count, " ", tokens
            total += 2 + 4 + 3 + 1  // "  dec " count, " "
            total += 2 + 3 + 5  // "  KV ", percent
            if showPred { total += 2 + bucketCount }
            if showPre { total += 2 + 4 + 3 }
            if showDone { total += 2 + 5 + max(5, doneText.count) }
            if showHit { total += 2 + 4 + 4 }
            if showNote { total += noteWidth }
            return total
        }
        let minimumBars = 12
        if w - fixedWidth() < minimumBars { showNote = false }
        if w - fixedWidth() < minimumBars { showHit = false }
        if w - fixedWidth() < minimumBars { showDone = false }
        if w - fixedWidth() < minimumBars { showPre = false }
        if w - fixedWidth() < minimumBars { showPred = false }
        let bars = max(0, w - fixedWidth())
        let kvWidth = max(min(bars, 3), bars * 2 / 5)
        let queueWidth = (bars - kvWidth) * 2 / 5
        let decodeWidth = bars - kvWidth - queueWidth

        let nameStyle = focused ? CellStyle.accent.bold.reversed : CellStyle.text.bold
        var line = StyledText(Format.pad(instance.name, nameWidth), nameStyle)
        line.append(" ")
        var badge = instance.health.badge
        badge.pad(to: 7)
        line.append(badge)
        if instance.health == .down {
            // A down backend has no queue or cache to show: why, and since when, in their place.
            line.append("  " + (instance.healthNote ?? "down"), .warn)
            canvas.write(line.truncated(to: w), y: y)
            return
        }
        line.append("  pf ", .dim)
        line.append(Format.pad(Format.thousands(instance.prefillQueue), 3, right: true), .text)
        line.append(" ")
        let queuePips = Bar.pips(instance.prefillQueue, scale: max(scale.queue, queueWidth), width: queueWidth)
        line.append(Format.pad(queuePips, queueWidth), .prefill)
        line.append(Format.pad(Format.compact(instance.prefillQueueTokens), 5, right: true), .dim)
        line.append("  dec ", .dim)
        line.append(Format.pad(Format.thousands(instance.decoding), 3, right: true), .text)
        line.append(" ")
        let decodePips = Bar.pips(instance.decoding, scale: max(scale.decode, decodeWidth), width: decodeWidth)
        line.append(Format.pad(decodePips, decodeWidth), .decode)
        line.append("  KV ", .dim)
        let gauge = Bar.gauge(instance.kvUsage, width: kvWidth)
        let kvStyle = CellStyle(.kv(instance.kvUsage))
        line.append(gauge.filled, kvStyle)
        line.append(gauge.empty, .dim)
        line.append(Format.pad(Format.percent(instance.kvUsage), 5, right: true), kvStyle)
        if showPred {
            line.append("  ")
            let top = Double(instance.predictedBuckets.max() ?? 0)
            for count in instance.predictedBuckets {
                if count > 0 {
                    line.append(String(Sparkline.glyph(Double(count), maximum: top)), .accent)
                } else {
                    line.append("▁", .dim)
                }
            }
        }
        if showPre {
            line.append("  pre ", .dim)
            line.append(Format.pad("\(instance.preemptions)", 3), instance.preemptions > 0 ? .warn : .text)
        }
        if showDone {
            line.append("  done ", .dim)
            line.append(doneText, .text)
        }
        if showHit, let rate = instance.prefixHitRate {
            line.append("  hit ", .dim)
            line.append(Format.percent(rate), .accent)
        }
        if showNote, let note = instance.healthNote {
            line.append("  " + note, .warn)
        }
        canvas.write(line.truncated(to: w), y: y)
    }
}
