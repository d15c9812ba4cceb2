import RouterCore

extension EngineMetrics {
    /// Reads an engine's load signals from a parsed scrape.
    ///
    /// - Parameters:
    ///   - scrape: The parsed `/metrics` reply.
    ///   - kind: The engine, when configured for the backend; nil detects it with ``EngineKind/detect(in:)``.
    /// - Returns: The metrics. `waiting` and `running` are required; everything else is nil when absent.
    /// - Throws: ``EngineMetricsError`` when the kind is unknown, the running or waiting gauge is missing, or a count
    ///   is negative or not finite.
    /// - Complexity: O(*n*) in the number of samples, for a fixed set of names.
    public static func extract(
        from scrape: PrometheusScrape,
        kind: EngineKind? = nil
    ) throws(EngineMetricsError) -> EngineMetrics {
        let kind = kind ?? EngineKind.detect(in: scrape)
        guard let names = EngineMetricNames.forKind(kind) else {
            throw .unknownEngine(sampleCount: scrape.samples.count)
        }
        var metrics = EngineMetrics(
            kind: kind,
            waiting: try count(names.waiting, in: scrape, kind: kind),
            running: try count(names.running, in: scrape, kind: kind)
        )
        metrics.kvUsage = names.kvUsage.lazy.compactMap { meanFraction($0, in: scrape) }.first
        metrics.kvUsedTokens = names.kvUsedTokens.flatMap { optionalCount($0, in: scrape) }
        metrics.kvCapacityTokens = names.kvCapacityTokens.flatMap { optionalCount($0, in: scrape) }
        if let info = names.cacheConfigInfo {
            let (blockSize, blocks) = cacheConfig(info, in: scrape)
            metrics.kvBlockSize = blockSize
            metrics.numGPUBlocks = blocks
            if let blockSize, let blocks {
                let (product, overflow) = blockSize.multipliedReportingOverflow(by: blocks)
                if !overflow { metrics.kvCapacityTokens = product }
            }
        }
        metrics.promptTokensTotal = names.promptTokensTotal.flatMap { finiteSum($0, in: scrape) }
        metrics.generationTokensTotal = names.generationTokensTotal.flatMap { finiteSum($0, in: scrape) }
        metrics.preemptionsTotal = names.preemptionsTotal.flatMap { finiteSum($0, in: scrape) }
        metrics.prefixCacheQueriesTotal = names.prefixCacheQueries.flatMap { finiteSum($0, in: scrape) }
        metrics.prefixCacheHitsTotal = names.prefixCacheHits.flatMap { finiteSum($0, in: scrape) }
        metrics.prefixCacheHitRate = names.prefixCacheHitRate.flatMap { meanFraction($0, in: scrape) }
        metrics.requestSuccessTotal = names.requestSuccess.flatMap { finiteSum($0, in: scrape) }
        metrics.ttftHistogram = names.ttftHistogram.lazy.compactMap { histogram($0, in: scrape) }.first
        metrics.interTokenHistogram = names.interTokenHistogram.lazy.compactMap { histogram($0, in: scrape) }.first
        metrics.e2eHistogram = names.e2eHistogram.lazy.compactMap { histogram($0, in: scrape) }.first
        return metrics
    }

    /// Largest count accepted; a gauge beyond it is a broken exporter, not a queue.
    private static let maxCount = Double(Int32.max)

    private static func count(
        _ name: String,
        in scrape: PrometheusScrape,
        kind: EngineKind
    ) throws(EngineMetricsError)
        -> Int
    {
        guard let sum = scrape.sum(of: name) else { throw .missingMetric(name, kind: kind) }
        guard let value = asCount(sum) else { throw .invalidValue(name, value: sum) }
        return value
    }

    private static func optionalCount(_ name: String, in scrape: PrometheusScrape) -> Int? {
        scrape.sum(of: name).flatMap(asCount)
    }

    /// A non-negative finite value, rounded to the nearest integer.
    private static func asCount(_ value: Double) -> Int? {
        guard value.isFinite, value >= 0, value <= maxCount else { return nil }
        return Int(value + 0.5)
    }

    private static func finiteSum(_ name: String, in scrape: PrometheusScrape) -> Double? {
        scrape.sum(of: name).flatMap { $0.isFinite ? $0 : nil }
    }

    /// The mean of the finite series of a usage gauge, clamped to 0...1, or nil when there is none.
    private static func meanFraction(_ name: String, in scrape: PrometheusScrape) -> Double? {
        var total = 0.0
        var series = 0
        for sample in scrape.samples where sample.name == name && sample.value.isFinite {
            total += sample.value
            series += 1
        }
        guard series > 0 else { return nil }
        return min(1, max(0, total / Double(series)))
    }

    /// The histogram family `name`, summed across its series bucket by bucket; nil when absent or malformed (an `le`
    /// that is not a number, counts that decrease).
    static func histogram(_ name: String, in scrape: PrometheusScrape) -> HistogramCounts? {
        let bucketName = name + "_bucket"
        var byBound: [Double: Double] = [:]
        for sample in scrape.samples where sample.name == bucketName {
            guard let text = sample.labels["le"], let bound = Double(text), sample.value.isFinite else { return nil }
            byBound[bound, default: 0] += sample.value
        }
        guard !byBound.isEmpty else { return nil }
        return HistogramCounts(
            buckets: byBound.map { (bound: $0.key, count: $0.value) },
            count: finiteSum(name + "_count", in: scrape),
            sum: finiteSum(name + "_sum", in: scrape)
        )
    }

    /// `block_size` from the first series that has one, and `num_gpu_blocks` summed over the distinct `engine` label
    /// values (V1 data-parallel engines each own a pool; V0 has no `engine` label and one series).
    private static func cacheConfig(_ name: String, in scrape: PrometheusScrape) -> (blockSize: Int?, blocks: Int?) {
        var blockSize: Int?
        var blocksByEngine: [String: Int] = [:]
        for sample in scrape.samples where sample.name == name {
            if blockSize == nil, let size = sample.labels["block_size"].flatMap({ Int($0) }), size > 0 {
                blockSize = size
            }
            if let blocks = sample.labels["num_gpu_blocks"].flatMap({ Int($0) }), blocks >= 0 {
                blocksByEngine[sample.labels["engine"] ?? ""] = blocks
            }
        }
        let blocks = blocksByEngine.isEmpty ? nil : blocksByEngine.values.reduce(0) { $0 &+ $1 }
        return (blockSize, blocks)
    }
}
