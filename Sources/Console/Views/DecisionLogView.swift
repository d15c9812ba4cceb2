import SwitchyardCore

/// The newest routing decisions, newest first, one per line:
///
/// `  12.41s r1234  p=1,532  →i2   <256    i2 0.41  i0 0.52  i3 0.60  least mixing impact`
///
/// Time, request, prompt tokens, predicted bucket, the chosen instance (or HOLD; `↪` in place of `→` when the pick is
/// not the best score, as a tail guard makes), the best scores (the chosen one's always among them, in bold) and the
/// reason.
enum DecisionLogView {
    /// Draws the log filling `canvas`.
    static func draw(_ snapshot: ClusterSnapshot, in canvas: Canvas) {
        var title = StyledText("Decisions", CellStyle.accent.bold)
        title.append(" · newest first", .dim)
        let inner = Box.draw(in: canvas, title: title)
        let area = inner.sub(Rect(x: 1, y: 0, width: inner.width - 2, height: inner.height))
        let records = Array(snapshot.recentDecisions.suffix(area.height).reversed())
        guard !records.isEmpty else {
            area.write("no routing decisions yet", x: 0, y: 0, style: .dim)
            return
        }
        let idWidth = max(5, (records.map { "r\($0.request)".count }.max() ?? 0))
        let promptWidth = max(7, (records.map { "p=" + Format.thousands($0.promptTokens) }.map(\.count).max() ?? 0))
        let bucketWidth = max(4, snapshot.bucketLabels.map(\.count).max() ?? 4)
        let names = Format.withoutSharedHost(snapshot.instances.map(\.name))
        let nameWidth = min(12, max(4, names.map(\.count).max() ?? 4))
        func name(_ index: Int) -> String {
            Format.keepingTail(names.indices.contains(index) ? names[index] : "i\(index)", nameWidth)
        }
        let scoreTexts = records.map { scores($0, name: name) }
        let scoresWidth = scoreTexts.map(\.width).max() ?? 0
        let showScores = area.width >= 70
        for (row, record) in records.enumerated() {
            var line = StyledText(Format.pad(Format.fixed(record.time, 2) + "s", 8, right: true), .dim)
            line.append(" ")
            line.append(Format.pad("r\(record.request)", idWidth), .text)
            line.append(" ")
            line.append(Format.pad("p=" + Format.thousands(record.promptTokens), promptWidth, right: true), .text)
            line.append("  ")
            if let instance = record.instance {
                // `↪`: a rule (a tail guard) took the pick past the best score, which a narrow log's cut reason
                // would not say; a tie keeps `→`.
                let past = pickedPastTheBest(record)
                line.append(
                    Format.pad((past ? "↪" : "→") + name(instance), nameWidth + 1),
                    (past ? CellStyle.warn : CellStyle.accent).bold
                )
            } else {
                line.append(Format.pad("HOLD", nameWidth + 1), CellStyle.warn.bold)
            }
            line.append(" ")
            let bucket =
                snapshot.bucketLabels.indices.contains(record.predictedBucket)
                ? snapshot.bucketLabels[record.predictedBucket] : "b\(record.predictedBucket)"
            line.append(Format.pad(bucket, bucketWidth), .decode)
            if showScores, scoresWidth > 0 {
                line.append("  ")
                line.append(scoreTexts[row])
                line.pad(to: line.width + scoresWidth - scoreTexts[row].width)
            }
            line.append("  ")
            line.append(record.reason, .dim)
            area.write(line.truncated(to: area.width), y: row)
        }
    }

    /// Whether the chosen instance's score differs from the best one shown: a rule beyond the scores (a tail guard)
    /// made the pick.
    static func pickedPastTheBest(_ record: DecisionRecord) -> Bool {
        guard let instance = record.instance, let best = record.topScores.first(where: { $0.ineligible != true }),
            let chosen = record.topScores.first(where: { $0.instance == instance })
        else { return false }
        return chosen.score != best.score
    }

    /// `i2 0.41  i0 0.52  i3 0.60`, best first, the chosen instance's score in bold; an instance that could not take the request (down, or not
    /// serving the model) is dimmed and marked `✗`; the share of the prompt credited as cached there follows as
    /// `c60%`.
    private static func scores(_ record: DecisionRecord, name: (Int) -> String) -> StyledText {
        var text = StyledText()
        for (index, scored) in record.topScores.enumerated() {
            if index > 0 { text.append("  ") }
            text.append(name(scored.instance) + " ", .dim)
            if scored.ineligible == true {
                text.append(Format.score(scored.score) + "✗", .dim)
            } else {
                text.append(
                    Format.score(scored.score),
                    scored.instance == record.instance ? CellStyle.text.bold : .text
                )
            }
            if let share = scored.cachedShare {
                text.append(" c" + Format.percent(share), .accent)
            }
        }
        return text
    }
}
