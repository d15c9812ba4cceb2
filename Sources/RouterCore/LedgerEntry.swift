import SwitchyardCore

/// What the router's ledger keeps of one request it sent to an instance: enough to undo its share of the instance's
/// ledger when it starts decoding and when it ends.
///
/// The simulator and the live gateway both account through these operations on ``InstanceLoad``, so the two
/// ledgers cannot drift apart.
public struct LedgerEntry: Sendable, Equatable {
    public var promptTokens: Int
    /// The predicted response-length bucket.
    public var predictedBucket: Int
    /// The prompt-length bucket (same bounds as the predicted one).
    public var promptBucket: Int
    /// The predicted response length in tokens.
    public var predictedTokens: Double
    /// Prompt tokens the router expected cached on the instance when it sent the request there.
    public var cachedTokens: Int

    public init(
        promptTokens: Int,
        predictedBucket: Int,
        promptBucket: Int,
        predictedTokens: Double,
        cachedTokens: Int = 0
    ) {
        self.promptTokens = promptTokens
        self.predictedBucket = predictedBucket
        self.promptBucket = promptBucket
        self.predictedTokens = predictedTokens
        self.cachedTokens = min(max(0, cachedTokens), promptTokens)
    }

    /// The entry for `request` under `buckets`, with the predicted bucket clamped into the scheme.
    public init(_ request: RequestInfo, buckets: BucketScheme, cachedTokens: Int = 0) {
        self.init(
            promptTokens: request.promptTokens,
            predictedBucket: min(max(0, request.predictedBucket), buckets.count - 1),
            promptBucket: buckets.bucket(of: request.promptTokens),
            predictedTokens: request.predictedOutputTokens,
            cachedTokens: cachedTokens
        )
    }

    /// The prompt tokens the router expects the instance still to compute.
    public var uncachedTokens: Int { promptTokens - cachedTokens }
}

extension InstanceLoad {
    /// The router sent `entry` here: it is outstanding and in prefill (no token streamed yet).
    public mutating func admit(_ entry: LedgerEntry) {
        outstanding += 1
        prefillCount += 1
        prefillPromptTokens += entry.promptTokens
        prefillUncachedTokens += entry.uncachedTokens
        outstandingPromptTokens += entry.promptTokens
        predictedDecodeTokens += entry.predictedTokens
        prefillByBucket[entry.predictedBucket] += 1
        prefillByPromptBucket[entry.promptBucket] += 1
    }

    /// `entry` streamed its first token: it moves from prefill to decode, holding its prompt and the `streamed`
    /// tokens counted so far as context.
    public mutating func startDecode(_ entry: LedgerEntry, streamed: Int) {
        prefillCount -= 1
        prefillPromptTokens -= entry.promptTokens
        prefillUncachedTokens -= entry.uncachedTokens
        prefillByBucket[entry.predictedBucket] -= 1
        prefillByPromptBucket[entry.promptBucket] -= 1
        decodeByBucket[entry.predictedBucket] += 1
        decodeByPromptBucket[entry.promptBucket] += 1
        decodeContextTokens += entry.promptTokens + streamed
    }

    /// `tokens` more tokens streamed back for a request of this instance (`decoding` once its first token came).
    public mutating func stream(_ tokens: Int, decoding: Bool) {
        streamedTokens += tokens
        if decoding { decodeContextTokens += tokens }
    }

    /// `entry` ended (completed, failed or abandoned) after streaming `streamed` tokens; `decoding` is true when
    /// its first token had come.
    public mutating func remove(_ entry: LedgerEntry, streamed: Int, decoding: Bool) {
        outstanding -= 1
        outstandingPromptTokens -= entry.promptTokens
        predictedDecodeTokens -= entry.predictedTokens
        streamedTokens -= streamed
        if decoding {
            decodeByBucket[entry.predictedBucket] -= 1
            decodeByPromptBucket[entry.promptBucket] -= 1
            decodeContextTokens -= entry.promptTokens + streamed
        } else {
            prefillCount -= 1
            prefillPromptTokens -= entry.promptTokens
            prefillUncachedTokens -= entry.uncachedTokens
            prefillByBucket[entry.predictedBucket] -= 1
            prefillByPromptBucket[entry.promptBucket] -= 1
        }
        // Sums of doubles drift; an empty instance has exactly none.
        if outstanding == 0 { predictedDecodeTokens = 0 }
    }

    /// The ledger's invariants; nil when they hold, else a description naming the bad values.
    ///
    /// - Complexity: O(buckets).
    public var ledgerViolation: String? {
        let prefillBuckets = prefillByBucket.reduce(0, +)
        let decodeBuckets = decodeByBucket.reduce(0, +)
        if outstanding < 0 || prefillCount < 0 || prefillCount > outstanding {
            return "instance \(id.rawValue): outstanding \(outstanding), prefill \(prefillCount)"
        }
        if prefillBuckets != prefillCount || prefillByPromptBucket.reduce(0, +) != prefillCount {
            return "instance \(id.rawValue): prefill \(prefillCount) but \(prefillBuckets) by predicted bucket, "
                + "\(prefillByPromptBucket.reduce(0, +)) by prompt bucket"
        }
        if decodeBuckets != decodeCount || decodeByPromptBucket.reduce(0, +) != decodeCount {
            return "instance \(id.rawValue): decoding \(decodeCount) but \(decodeBuckets) by predicted bucket, "
                + "\(decodeByPromptBucket.reduce(0, +)) by prompt bucket"
        }
        if let bad = (prefillByBucket + decodeByBucket + prefillByPromptBucket + decodeByPromptBucket).first(where: {
            $0 < 0
        }) {
            return "instance \(id.rawValue): a bucket count is \(bad)"
        }
        if prefillPromptTokens < 0 || prefillPromptTokens > outstandingPromptTokens {
            return "instance \(id.rawValue): prefill prompt tokens \(prefillPromptTokens) of \(outstandingPromptTokens)"
        }
        if prefillUncachedTokens < 0 || prefillUncachedTokens > prefillPromptTokens {
            return "instance \(id.rawValue): prefill uncached tokens \(prefillUncachedTokens) of \(prefillPromptTokens)"
        }
        if outstanding == 0 && (outstandingPromptTokens != 0 || streamedTokens != 0 || decodeContextTokens != 0) {
            return
                "instance \(id.rawValue): empty but prompt tokens \(outstandingPromptTokens), streamed \(streamedTokens), "
                + "context \(decodeContextTokens)"
        }
        if streamedTokens < 0 || decodeContextTokens < 0 {
            return "instance \(id.rawValue): streamed \(streamedTokens), context \(decodeContextTokens)"
        }
        return nil
    }

    /// Stops with the violation when an invariant does not hold (tests run it after every step).
    public func checkLedger() {
        if let violation = ledgerViolation { preconditionFailure("ledger: \(violation)") }
    }
}
