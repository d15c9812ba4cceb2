import SwitchyardCore

/// One instance in full (`enter`): its queues and KV cache, then every request with its phase, prompt, progress
/// against the predicted length (generated/predicted) and KV blocks.
enum InstanceDetailView {
    /// Draws the detail of `instance` filling `canvas`; returns the first request row shown and rows per page.
    static func draw(
        _ instance: InstanceSnapshot,
        bucketLabels: [String],
        scroll: Int,
        in canvas: Canvas
    ) -> (scroll: Int, pageSize: Int) {
        var title = StyledText(instance.name, CellStyle.accent.bold)
        title.append(" ")
        title.append(instance.health.badge)
        if let note = instance.healthNote { title.append(" " + note, .warn) }
        title.append(" · detail · enter or esc closes", .dim)
        let inner = Box.draw(in: canvas, title: title, border: .accent)
        let area = inner.sub(Rect(x: 1, y: 0, width: inner.width - 2, height: inner.height))

        var summary = StyledText("queue ", .dim)
        summary.append(Format.thousands(instance.prefillQueue), .prefill)
        summary.append(" (\(Format.compact(instance.prefillQueueTokens)) tok)", .dim)
        summary.append("   prefilling ", .dim)
        summary.append(Format.thousands(instance.prefilling), .prefill)
        summary.append("   decoding ", .dim)
        summary.append(Format.thousands(instance.decoding), .decode)
        summary.append("   preempted ", .dim)
        summary.append(Format.thousands(instance.preemptions), instance.preemptions > 0 ? .warn : .text)
        summary.append("   done ", .dim)
        summary.append(Format.thousands(instance.completed), .text)
        area.write(summary.truncated(to: area.width), y: 0)

        let kvText = " \(Format.percent(instance.kvUsage))  \(instance.kvBlocksUsed)/\(instance.kvBlocksTotal) blocks"
        let gauge = Bar.gauge(instance.kvUsage, width: max(0, min(60, area.width - 3 - kvText.count)))
        var kv = StyledText("KV ", .dim)
        kv.append(gauge.filled, CellStyle(.kv(instance.kvUsage)))
        kv.append(gauge.empty, .dim)
        kv.append(kvText, .text)
        area.write(kv, y: 1)
        area.write(InstanceCardView.histogram(instance.predictedBuckets, labels: bucketLabels, width: area.width), y: 2)

        let requests = instance.requests
        let tableTop = 4
        let rows = max(1, area.height - tableTop - 1)
        guard !requests.isEmpty else {
            let note = "no requests on this instance (or the backend does not report them)"
            area.write(note, x: 0, y: tableTop, style: .dim)
            return (0, rows)
        }
        let first = min(max(0, scroll), max(0, requests.count - rows))
        let last = min(requests.count, first + rows)
        let progressWidth = max(6, min(30, area.width - 60))
        var header = StyledText(Format.pad("request", 9), .dim)
        header.append(Format.pad("phase", 9), .dim)
        header.append(Format.pad("prompt", 8, right: true), .dim)
        header.append("  " + Format.pad("generated / predicted", progressWidth + 19), .dim)
        header.append(Format.pad("bucket", 8), .dim)
        header.append(Format.pad("KV blk", 7, right: true), .dim)
        area.write(header, y: tableTop - 1)
        for (row, request) in requests[first..<last].enumerated() {
            area.write(line(for: request, bucketLabels: bucketLabels, progressWidth: progressWidth), y: tableTop + row)
        }
        var footer = StyledText("requests \(first + 1)–\(last) of \(requests.count)", .dim)
        if requests.count > rows { footer.append("   ↑↓ PgUp PgDn scroll", .dim) }
        area.write(footer, y: area.height - 1)
        return (first, rows)
    }

    private static func line(for request: RequestSnapshot, bucketLabels: [String], progressWidth: Int) -> StyledText {
        let phaseStyle: CellStyle =
            switch request.phase {
            case .waiting, .held: .dim
            case .prefill: .prefill
            case .decode: .decode
            case .finished: .ok
            }
        var line = StyledText(Format.pad("r\(request.id)", 9), .text)
        line.append(Format.pad(request.phase.rawValue, 9), phaseStyle)
        line.append(Format.pad(Format.thousands(request.promptTokens), 8, right: true), .text)
        line.append("  ")
        let predicted = max(1, request.predictedTokens)
        let fraction = Double(request.generatedTokens) / Double(predicted)
        let gauge = Bar.gauge(fraction, width: progressWidth)
        let over = request.generatedTokens > request.predictedTokens
        line.append(gauge.filled, over ? .warn : phaseStyle)
        line.append(gauge.empty, .dim)
        let counts = "\(Format.thousands(request.generatedTokens))/\(Format.thousands(request.predictedTokens))"
        line.append(Format.pad(counts, 12, right: true), over ? .warn : .text)
        line.append(Format.pad(Format.percent(fraction), 6, right: true), over ? CellStyle.warn.bold : .dim)
        line.append(" ")
        let bucket =
            bucketLabels.indices.contains(request.predictedBucket)
            ? bucketLabels[request.predictedBucket] : "b\(request.predictedBucket)"
        line.append(Format.pad(bucket, 8), .decode)
        line.append(Format.pad("\(request.kvBlocks)", 7, right: true), .text)
        return line
    }
}
