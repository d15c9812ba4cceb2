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

        var tableTop = 4
        if instance.engine != nil || instance.gateway != nil {
            let rows = latencyRows(instance)
            for (index, row) in rows.enumerated() { area.write(row.truncated(to: area.width), y: 3 + index) }
            tableTop = 4 + rows.count + 1
        }
        let requests = instance.requests
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

    /// The last minute as the engine's histograms and the gateway's own clock saw it, one row each, and the engine's
    /// rates:
    ///
    /// ```
    /// last 60 s   TTFT p50/p99     inter-token p50/p99   E2E p50/p99      n
    /// engine      85ms / 0.41s     21ms / 40ms           3.10s / 9.80s    120
    /// gateway     92ms / 0.45s     22ms / 41ms           3.20s / 9.90s    118
    /// engine      prompt 1.2k tok/s   generation 340 tok/s   2.0 req/s   preempted 0
    /// ```
    ///
    /// The gateway's figures include the network and its own queueing; its inter-token figure is each request's mean
    /// gap, the engine's every gap.
    static func latencyRows(_ instance: InstanceSnapshot) -> [StyledText] {
        let columns = [12, 17, 22, 17]
        let window = instance.engine.map { Int($0.window.rounded()) }
        var header = StyledText(Format.pad("last \(window.map { "\($0)" } ?? "60") s", columns[0]), .dim)
        header.append(Format.pad("TTFT p50/p99", columns[1]), .dim)
        header.append(Format.pad("inter-token p50/p99", columns[2]), .dim)
        header.append(Format.pad("E2E p50/p99", columns[3]), .dim)
        header.append("n", .dim)
        var rows = [header]
        func row(_ label: String, _ latency: InstanceLatency?) -> StyledText {
            var text = StyledText(Format.pad(label, columns[0]), .text)
            let figures = [latency?.ttft, latency?.interToken, latency?.e2e]
            for (index, summary) in figures.enumerated() {
                let cell =
                    summary.map { $0.count > 0 ? "\(Format.seconds($0.p50)) / \(Format.seconds($0.p99))" : "–" } ?? "–"
                text.append(Format.pad(cell, columns[index + 1]), summary == nil ? .dim : .text)
            }
            let count = latency?.e2e?.count ?? latency?.ttft?.count
            text.append(count.map { Format.thousands($0) } ?? "–", .dim)
            return text
        }
        let engine = instance.engine?.latency
        let hasHistograms = engine.map { $0.ttft != nil || $0.interToken != nil || $0.e2e != nil } ?? false
        rows.append(
            hasHistograms ? row("engine", engine) : StyledText("engine      publishes no latency histograms", .dim)
        )
        // Nothing measured by the gateway and nothing completed through it: `switchyard top`, or a quiet start.
        if instance.gateway != nil || instance.completed > 0 { rows.append(row("gateway", instance.gateway)) }
        if let stats = instance.engine {
            var rates = StyledText(Format.pad("engine", columns[0]), .text)
            func rate(_ label: String, _ value: Double?, _ unit: String) {
                guard let value else { return }
                rates.append(label + " ", .dim)
                rates.append(value < 100 ? Format.rate(value) : Format.compact(Int(value.rounded())), .text)
                rates.append(unit + "   ", .dim)
            }
            rate("prompt", stats.promptTokensPerSecond, " tok/s")
            rate("generation", stats.generationTokensPerSecond, " tok/s")
            rate("", stats.requestsPerSecond, " req/s")
            if let preempted = stats.preemptions {
                rates.append("preempted ", .dim)
                rates.append(Format.thousands(preempted), preempted > 0 ? .warn : .text)
            }
            rows.append(rates)
        }
        return rows
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
