/// When one instance stands out from the others, as the engine monitors warn (vllm-htop's imbalance line): its
/// queue, or its KV-cache usage, above the median of the up instances by more than a threshold the operator sets.
public struct ImbalanceThreshold: Sendable, Equatable, Codable {
    /// Waiting requests above the median that make a queue stand out.
    public var queue: Int
    /// KV-cache usage above the median (0...1) that makes an instance stand out.
    public var kvUsage: Double

    public init(queue: Int = 8, kvUsage: Double = 0.3) {
        self.queue = queue
        self.kvUsage = kvUsage
    }

    /// The instance that stands out most, as one line naming it (`b: queue 23, median 4`); nil when none does or
    /// fewer than two instances are up.
    public func describe(_ instances: [InstanceSnapshot]) -> String? {
        let up = instances.filter { $0.health == .up }
        guard up.count >= 2 else { return nil }
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
        let queues = up.map { Double($0.prefillQueue) }
        let kv = up.map(\.kvUsage)
        let queueMedian = median(queues)
        let kvMedian = median(kv)
        // How far past its threshold each instance is, as a fraction of the threshold; the largest wins.
        var best: (excess: Double, text: String)? = nil
        for instance in up {
            let queueExcess = (Double(instance.prefillQueue) - queueMedian) / Double(max(1, queue))
            if queueExcess >= 1, queueExcess > best?.excess ?? 0 {
                best = (queueExcess, "\(instance.name): queue \(instance.prefillQueue), median \(Int(queueMedian))")
            }
            let kvExcess = (instance.kvUsage - kvMedian) / max(0.01, kvUsage)
            if kvExcess >= 1, kvExcess > best?.excess ?? 0 {
                let text =
                    "\(instance.name): KV \(Int((instance.kvUsage * 100).rounded()))%, median \(Int((kvMedian * 100).rounded()))%"
                best = (kvExcess, text)
            }
        }
        return best?.text
    }
}
