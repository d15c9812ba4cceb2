import SwitchyardCore

/// The A/B twin: the cluster (A) and its twin fed the identical arrivals (B) side by side, or stacked on narrow
/// terminals, with the difference in mean and p99 of E2E and TTFT on the last line. On a live cluster B may be a
/// prediction (a simulated twin): it is labelled so, and one more line says how far the twin's own A side is from
/// the measured A, request by request.
enum ABView {
    /// Side by side from this width; stacked below it.
    static let sideBySideWidth = 72
    /// Summary rows in each side's box before its instance rows.
    static let summaryRows = 3

    /// Rows the view would like for `instances` per side at `width`, and the fewest it can do with.
    static func heights(instances: Int, width: Int, predicted: Bool = false) -> (wanted: Int, minimum: Int) {
        let box = 2 + summaryRows
        let notes = predicted ? 2 : 1
        if width >= sideBySideWidth { return (box + instances + notes, box + notes) }
        return (2 * (box + instances) + notes, 2 * box + notes)
    }

    /// Draws A and B filling `canvas`; returns the first instance row shown and rows per page.
    static func draw(
        _ snapshot: ClusterSnapshot,
        twin: TwinSnapshot,
        focus: Int?,
        scroll: Int,
        in canvas: Canvas
    ) -> (scroll: Int, pageSize: Int) {
        let notes = twin.prediction == nil ? 1 : 2
        let body = canvas.sub(Rect(x: 0, y: 0, width: canvas.width, height: max(0, canvas.height - notes)))
        let a: Rect
        let b: Rect
        if canvas.width >= sideBySideWidth {
            let half = body.width / 2
            a = Rect(x: 0, y: 0, width: half, height: body.height)
            b = Rect(x: half, y: 0, width: body.width - half, height: body.height)
        } else {
            let half = body.height / 2
            a = Rect(x: 0, y: 0, width: body.width, height: half)
            b = Rect(x: 0, y: half, width: body.width, height: body.height - half)
        }
        let rows = max(1, min(a.height, b.height) - 2 - summaryRows)
        let count = max(snapshot.instances.count, twin.instances.count)
        let first = InstanceCardsView.clampScroll(scroll, focus: focus, count: count, capacity: rows)
        let sideA = Side(
            tag: "A",
            policy: snapshot.policy,
            instances: snapshot.instances,
            routerQueue: snapshot.routerQueue,
            completed: snapshot.completed,
            e2e: snapshot.e2e,
            ttft: snapshot.ttft,
            history: snapshot.history
        )
        let sideB = Side(
            tag: "B",
            policy: twin.policy + (twin.prediction == nil ? "" : " · predicted"),
            instances: twin.instances,
            routerQueue: twin.routerQueue,
            completed: twin.completed,
            e2e: twin.e2e,
            ttft: twin.ttft,
            history: twin.history
        )
        // One scale per metric for both sides, so their sparklines compare by eye.
        let scales = (
            e2e: (snapshot.history + twin.history).map(\.e2eP99).max() ?? 0,
            ttft: (snapshot.history + twin.history).map(\.ttftP99).max() ?? 0
        )
        drawSide(sideA, style: .accent, scales: scales, first: first, rows: rows, focus: focus, in: body.sub(a))
        drawSide(sideB, style: .decode, scales: scales, first: first, rows: rows, focus: focus, in: body.sub(b))
        let deltaArea = canvas.sub(Rect(x: 0, y: canvas.height - notes, width: canvas.width, height: notes))
        deltaArea.write(delta(a: snapshot, b: twin, width: canvas.width).truncated(to: canvas.width), y: 0)
        if let prediction = twin.prediction {
            deltaArea.write(accuracy(prediction, b: twin, width: canvas.width).truncated(to: canvas.width), y: 1)
        }
        return (first, rows)
    }

    /// `twin  A predicted/measured  E2E +4.1%  TTFT -2.0%  n=118   B vs predicted A  E2E -9.8%   settled to 6.2s ago`:
    /// how far to trust a predicted B, and B against the twin's own A (the like-for-like difference).
    static func accuracy(_ prediction: TwinPrediction, b: TwinSnapshot, width: Int) -> StyledText {
        var line = StyledText(" twin ", CellStyle.warn.bold.reversed)
        line.append("  A predicted/measured ", .dim)
        func change(_ value: Double?, warnBeyond: Double) {
            guard let value else {
                line.append("–", .dim)
                return
            }
            line.append(Format.signedPercent(value), abs(value) > warnBeyond ? CellStyle.warn.bold : .text)
        }
        line.append(" E2E ", .dim)
        change(prediction.e2eError, warnBeyond: 0.15)
        line.append("  TTFT ", .dim)
        change(prediction.ttftError, warnBeyond: 0.15)
        line.append("  n=\(Format.thousands(prediction.compared))", .dim)
        line.append("   B vs predicted A ", .dim)
        line.append(" E2E ", .dim)
        let twinA = prediction.twinA
        change(
            twinA.count > 0 && b.e2e.count > 0 && twinA.mean > 0 ? (b.e2e.mean - twinA.mean) / twinA.mean : nil,
            warnBeyond: .infinity
        )
        if prediction.estimated > 0 { line.append("  \(prediction.estimated) estimated", .warn) }
        // Lengths are known only when requests end: the twin is settled up to the oldest one still open.
        if prediction.lag >= 1 { line.append("   settled to \(Format.seconds(prediction.lag)) ago", .dim) }
        let note = "   profile \(prediction.profile)"
        if line.width + note.count <= width { line.append(note, .dim) }
        return line
    }

    /// `B vs A  E2E mean +21.5% p99 +36.6%  TTFT mean +7.7% p99 +10.0%`: green where B is faster, red where slower.
    static func delta(a: ClusterSnapshot, b: TwinSnapshot, width: Int) -> StyledText {
        var line = StyledText(" B vs A ", CellStyle.decode.bold.reversed)
        let items: [(String, Double, Double)] = [
            ("  E2E mean ", a.e2e.mean, b.e2e.mean), (" p99 ", a.e2e.p99, b.e2e.p99),
            ("  TTFT mean ", a.ttft.mean, b.ttft.mean), (" p99 ", a.ttft.p99, b.ttft.p99),
        ]
        for (label, valueA, valueB) in items {
            line.append(label, .dim)
            guard valueA > 0, a.e2e.count > 0, b.e2e.count > 0 else {
                line.append("–", .dim)
                continue
            }
            let change = (valueB - valueA) / valueA
            let style: CellStyle = change < -0.005 ? CellStyle.ok.bold : change > 0.005 ? CellStyle.crit.bold : .text
            line.append(Format.signedPercent(change), style)
        }
        let note = "   (B − A) / A, lower is better"
        if line.width + note.count <= width { line.append(note, .dim) }
        return line
    }

    /// What one side shows.
    private struct Side {
        var tag: String
        var policy: String
        var instances: [InstanceSnapshot]
        var routerQueue: Int
        var completed: Int
        var e2e: LatencySummary
        var ttft: LatencySummary
        var history: [LatencyPoint]
    }

    private static func drawSide(
        _ side: Side,
        style: CellStyle,
        scales: (e2e: Double, ttft: Double),
        first: Int,
        rows: Int,
        focus: Int?,
        in canvas: Canvas
    ) {
        var title = StyledText(side.tag + " · ", style.bold)
        title.append(side.policy, style.bold)
        let inner = Box.draw(in: canvas, title: title, border: style)
        let area = inner.sub(Rect(x: 1, y: 0, width: inner.width - 2, height: inner.height))
        let stats: [(String, LatencySummary, [Double], Double)] = [
            ("E2E ", side.e2e, side.history.map(\.e2eP99), scales.e2e),
            ("TTFT", side.ttft, side.history.map(\.ttftP99), scales.ttft),
        ]
        for (row, (name, summary, p99s, scale)) in stats.enumerated() {
            var line = StyledText(name + " mean ", .dim)
            line.append(Format.pad(summary.count > 0 ? Format.seconds(summary.mean) : "–", 6, right: true), .text)
            line.append("  p99 ", .dim)
            line.append(Format.pad(summary.count > 0 ? Format.seconds(summary.p99) : "–", 6, right: true), .text)
            line.append("  ")
            let sparkWidth = max(0, min(30, area.width - line.width))
            line.append(Sparkline.render(p99s, width: sparkWidth, maximum: scale), .warn)
            area.write(line, y: row)
        }
        var counts = StyledText("done ", .dim)
        counts.append(Format.thousands(side.completed), .text)
        counts.append("  held ", .dim)
        counts.append(Format.thousands(side.routerQueue), side.routerQueue > 0 ? .warn : .text)
        counts.append("  preempt ", .dim)
        let preemptions = side.instances.reduce(0) { $0 + $1.preemptions }
        counts.append(Format.thousands(preemptions), preemptions > 0 ? .warn : .text)
        area.write(counts, y: 2)
        // Names get the room the row leaves after its fixed columns and a short KV gauge (33 cells).
        let nameWidth = max(3, min(side.instances.map(\.name.count).max() ?? 3, area.width - 33))
        let last = min(side.instances.count, first + rows)
        guard first < last else { return }
        for index in first..<last {
            let y = summaryRows + index - first
            miniRow(side.instances[index], nameWidth: nameWidth, focused: focus == index, y: y, in: area)
        }
    }

    /// `i0  ● q   3 run  42  KV ████░░░░  47%`
    private static func miniRow(
        _ instance: InstanceSnapshot,
        nameWidth: Int,
        focused: Bool,
        y: Int,
        in canvas: Canvas
    ) {
        var line = StyledText(
            Format.pad(Format.keepingTail(instance.name, nameWidth), nameWidth),
            focused ? CellStyle.accent.bold.reversed : .text
        )
        line.append(" ●", instance.health.style)
        line.append(" q ", .dim)
        line.append(Format.pad(Format.thousands(instance.prefillQueue), 3, right: true), .prefill)
        line.append(" run ", .dim)
        line.append(Format.pad(Format.thousands(instance.decoding), 3, right: true), .decode)
        line.append("  KV ", .dim)
        let gaugeWidth = max(0, min(20, canvas.width - line.width - 5))
        let gauge = Bar.gauge(instance.kvUsage, width: gaugeWidth)
        line.append(gauge.filled, CellStyle(.kv(instance.kvUsage)))
        line.append(gauge.empty, .dim)
        line.append(Format.pad(Format.percent(instance.kvUsage), 5, right: true), CellStyle(.kv(instance.kvUsage)))
        canvas.write(line, y: y)
    }
}
