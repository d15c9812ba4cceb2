import SwitchyardCore

/// Latency: sparklines of E2E and TTFT (p50 and p99, one point per second over the last 60 s) with policy-switch
/// and burst markers beneath, and a table of the current mean, p50 and p99 of E2E, TTFT and TBT.
///
/// ```
/// ╭ Latency · last 60s ────────────────────────────────────────────────────────╮
/// │ E2E  p50 ▂▂▃▃▄▄▅▅▄▃▂▂▂▂▃▃▃▄▄▅▅▆   4.21s │         mean    p50    p99       │
/// │      p99 ▅▅▆▆▇▇██▇▆▅▅▅▅▆▆▇▇██▇▆   18.3s │ E2E    5.02s  4.21s  18.3s       │
/// │ TTFT p50 ▁▁▁▂▂▂▁▁▁▁▁▁▂▂▂▃▃▂▁▁▁▁   0.41s │ TTFT   0.52s  0.41s  2.10s       │
/// │      p99 ▂▂▃▃▄▄▃▂▂▂▂▂▃▃▄▅▅▄▃▂▂▂   2.10s │ TBT     31ms   28ms   90ms       │
/// │          ▲                ▲ burst mixed │ n=1,204                          │
/// ╰────────────────────────────────────────────────────────────────────────────╯
/// ```
enum LatencyPanel {
    /// Rows the panel needs: borders, four sparklines and the marker line.
    static let height = 7
    /// Columns of the stats table, with its separator.
    static let tableWidth = 32

    /// Draws the panel filling `canvas`.
    static func draw(_ snapshot: ClusterSnapshot, in canvas: Canvas) {
        let history = snapshot.history
        let seconds = history.count
        var title = StyledText("Latency", CellStyle.accent.bold)
        title.append(" · last \(seconds)s", .dim)
        let inner = Box.draw(in: canvas, title: title)
        let separator = inner.width - tableWidth
        let sparkArea = inner.sub(Rect(x: 1, y: 0, width: separator - 2, height: inner.height))
        let tableArea = inner.sub(Rect(x: separator + 2, y: 0, width: tableWidth - 2, height: 5))
        for y in 0..<min(5, inner.height) { inner.write("│", x: separator, y: y, style: .dim) }
        drawTable(snapshot, in: tableArea)

        let listArea = inner.sub(Rect(x: 1, y: 5, width: inner.width - 2, height: inner.height - 5))
        let labelWidth = 9
        let valueWidth = 7
        let sparkWidth = max(0, sparkArea.width - labelWidth - valueWidth - 1)
        guard !history.isEmpty else {
            sparkArea.write("waiting for the first completions…", x: 0, y: 0, style: .dim)
            drawMarkerList(snapshot.markers, in: listArea)
            return
        }
        let series: [(label: String, values: [Double], style: CellStyle)] = [
            ("E2E  p50 ", history.map(\.e2eP50), .accent),
            ("     p99 ", history.map(\.e2eP99), .warn),
            ("TTFT p50 ", history.map(\.ttftP50), .accent),
            ("     p99 ", history.map(\.ttftP99), .warn),
        ]
        let starts = Sparkline.columns(series[0].values, width: sparkWidth).starts
        // Time runs to the right edge: a history shorter than the width starts part-way along.
        let origin = labelWidth + sparkWidth - starts.count
        let markerColumns = columns(of: snapshot.markers, history: history, starts: starts)
        for (row, item) in series.enumerated() {
            sparkArea.write(item.label, x: 0, y: row, style: .dim)
            let spark = Array(Sparkline.render(item.values, width: sparkWidth))
            sparkArea.write(String(spark), x: origin, y: row, style: item.style)
            for (column, _) in markerColumns where column < spark.count {
                sparkArea.write(String(spark[column]), x: origin + column, y: row, style: item.style.bold.reversed)
            }
            // A second with no completion has no latency: `–`, as in the table.
            let latest = item.values.last ?? 0
            sparkArea.write(
                Format.pad(latest > 0 ? Format.seconds(latest) : "–", valueWidth, right: true),
                x: sparkArea.width - valueWidth,
                y: row,
                style: .text
            )
        }
        let markerArea = sparkArea.sub(Rect(x: 0, y: 4, width: sparkArea.width, height: 1))
        drawMarkerLine(markerColumns, labelWidth: origin, in: markerArea)
        drawMarkerList(snapshot.markers, in: listArea)
    }

    /// The sparkline column of each marker inside the window, with the marker; the newest marker wins a column.
    static func columns(
        of markers: [TimelineMarker],
        history: [LatencyPoint],
        starts: [Int]
    ) -> [(Int, TimelineMarker)] {
        guard let first = history.first, !starts.isEmpty else { return [] }
        var result: [Int: TimelineMarker] = [:]
        for marker in markers where marker.time >= first.time - 1 {
            let point = history.firstIndex { $0.time >= marker.time } ?? (history.count - 1)
            let column = starts.lastIndex { $0 <= point } ?? 0
            result[column] = marker
        }
        return result.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    private static func markerStyle(_ marker: TimelineMarker) -> CellStyle {
        marker.kind == .policy ? CellStyle.accent.bold : CellStyle.prefill.bold
    }

    private static func markerLabel(_ marker: TimelineMarker) -> String {
        (marker.kind == .policy ? "policy " : "burst ") + marker.label
    }

    /// `▲` under each marker column (columns count from `labelWidth`), and the newest marker's label beside its own
    /// mark: right of it when no later mark is in the way and it fits, else left of it up to the previous mark, else
    /// left out (a tall panel's marker list still names it).
    private static func drawMarkerLine(_ markers: [(Int, TimelineMarker)], labelWidth: Int, in canvas: Canvas) {
        guard let (column, newest) = markers.max(by: { $0.1.time < $1.1.time }) else { return }
        let label = markerLabel(newest)
        let nextColumn = markers.map(\.0).filter { $0 > column }.min()
        let previousColumn = markers.map(\.0).filter { $0 < column }.max()
        let right = labelWidth + column + 2
        let rightLimit = nextColumn.map { labelWidth + $0 - 1 } ?? canvas.width
        let left = labelWidth + column - 1 - label.count
        let leftLimit = previousColumn.map { labelWidth + $0 + 2 } ?? 0
        if right + label.count <= rightLimit {
            canvas.write(label, x: right, y: 0, style: markerStyle(newest))
        } else if left >= leftLimit {
            canvas.write(label, x: left, y: 0, style: markerStyle(newest))
        }
        for (column, marker) in markers {
            canvas.write("▲", x: labelWidth + column, y: 0, style: markerStyle(marker))
        }
    }

    /// On a tall panel, the newest markers as a list: `  42.0s ▲ policy least-kv`.
    private static func drawMarkerList(_ markers: [TimelineMarker], in canvas: Canvas) {
        guard canvas.height > 0 else { return }
        for (row, marker) in markers.suffix(canvas.height).reversed().enumerated() {
            var line = StyledText(Format.pad(Format.fixed(marker.time, 1) + "s", 8, right: true), .dim)
            line.append(" ▲ ", markerStyle(marker))
            line.append(markerLabel(marker), .text)
            canvas.write(line, y: row)
        }
    }

    private static func drawTable(_ snapshot: ClusterSnapshot, in canvas: Canvas) {
        let cell = 7
        var header = StyledText(Format.pad("", 6))
        for name in ["mean", "p50", "p99"] { header.append(Format.pad(name, cell, right: true), .dim) }
        canvas.write(header, y: 0)
        let rows: [(String, LatencySummary)] = [
            ("E2E", snapshot.e2e), ("TTFT", snapshot.ttft), (snapshot.watchOnly ? "ITL" : "TBT", snapshot.tbt),
        ]
        for (index, (name, summary)) in rows.enumerated() {
            var line = StyledText(Format.pad(name, 6), .dim)
            for value in [summary.mean, summary.p50, summary.p99] {
                let text = summary.count > 0 ? Format.seconds(value) : "–"
                line.append(Format.pad(text, cell, right: true), .text)
            }
            canvas.write(line, y: index + 1)
        }
        var count = StyledText("n=", .dim)
        count.append(Format.thousands(snapshot.e2e.count), .text)
        count.append(snapshot.watchOnly ? " engines' histograms" : " in window", .dim)
        canvas.write(count, y: 4)
    }
}
