import SwitchyardCore

/// A model × GPU latency and capacity profile: how long an iteration takes and how much KV cache there is.
///
/// Profiles are data files (`Profiles/*.json`) that state their source and derivation; see ``ProfileCatalog``.
public struct LatencyProfile: Sendable, Equatable, Codable {
    /// Kebab-case name, as typed on the command line (`llama2-7b-v100`).
    public var name: String
    public var summary: String
    /// Where the numbers come from.
    public var source: String
    /// How the coefficients were derived, step by step.
    public var derivation: [String]
    public var cost: CostModel
    public var maxBatchSize: Int
    /// Token budget of one iteration (vLLM's `max_num_batched_tokens`).
    public var maxBatchedTokens: Int
    public var blockSize: Int
    public var kvBlocks: Int
    /// Longest prompt + output the instance accepts; longer requests are clamped by the engine.
    public var maxModelLen: Int
    /// Chunk size when chunked prefill is on.
    public var chunkSize: Int
    /// How `switchyard calibrate` measured it, for a profile fitted to a real server; nil for the bundled ones.
    public var calibration: ProfileCalibration? = nil

    enum CodingKeys: String, CodingKey {
        case name, summary, source, derivation, cost
        case maxBatchSize = "max_batch_size"
        case maxBatchedTokens = "max_batched_tokens"
        case blockSize = "block_size"
        case kvBlocks = "kv_blocks"
        case maxModelLen = "max_model_len"
        case chunkSize = "chunk_size"
        case calibration
    }

    public init(
        name: String,
        summary: String,
        source: String,
        derivation: [String],
        cost: CostModel,
        maxBatchSize: Int,
        maxBatchedTokens: Int,
        blockSize: Int,
        kvBlocks: Int,
        maxModelLen: Int,
        chunkSize: Int
    ) {
        self.name = name
        self.summary = summary
        self.source = source
        self.derivation = derivation
        self.cost = cost
        self.maxBatchSize = maxBatchSize
        self.maxBatchedTokens = maxBatchedTokens
        self.blockSize = blockSize
        self.kvBlocks = kvBlocks
        self.maxModelLen = maxModelLen
        self.chunkSize = chunkSize
    }

    /// KV capacity in tokens.
    public var kvCapacityTokens: Int { kvBlocks * blockSize }

    /// The engine configuration this profile implies.
    public func engineConfig(chunkedPrefill: Bool = false) -> EngineConfig {
        EngineConfig(
            maxBatchSize: maxBatchSize,
            maxBatchedTokens: chunkedPrefill ? chunkSize : maxBatchedTokens,
            blockSize: blockSize,
            kvBlocks: kvBlocks,
            maxModelLen: maxModelLen,
            chunkedPrefill: chunkedPrefill,
            cost: cost
        )
    }
}

/// Where a calibrated profile came from and how well its fit matched the measurements.
public struct ProfileCalibration: Sendable, Equatable, Codable {
    /// `vllm`, `sglang` or `llamacpp`.
    public var engine: String
    public var model: String
    /// The servers measured.
    public var backends: [String]
    /// ISO 8601, UTC.
    public var date: String
    public var requests: Int
    /// The prefill sweep's fit of TTFT on prompt tokens: residual RMS in seconds, R², observations.
    public var prefillRMS: Double
    public var prefillR2: Double
    public var prefillObservations: Int
    /// The decode fit of the gap between tokens on batch size and context: residual RMS in seconds, R², gaps.
    public var decodeRMS: Double
    public var decodeR2: Double
    public var decodeGaps: Int
    /// Seconds per request outside the engine's iterations (client, network, HTTP), from the prefill intercept.
    public var overhead: Double
    /// Coefficients the data could not tell from zero, set to 0.
    public var dropped: [String]

    enum CodingKeys: String, CodingKey {
        case engine, model, backends, date, requests, dropped
        case prefillRMS = "prefill_rms_s"
        case prefillR2 = "prefill_r2"
        case prefillObservations = "prefill_observations"
        case decodeRMS = "decode_rms_s"
        case decodeR2 = "decode_r2"
        case decodeGaps = "decode_gaps"
        case overhead = "overhead_s"
    }

    public init(
        engine: String,
        model: String,
        backends: [String],
        date: String,
        requests: Int,
        prefillRMS: Double,
        prefillR2: Double,
        prefillObservations: Int,
        decodeRMS: Double,
        decodeR2: Double,
        decodeGaps: Int,
        overhead: Double,
        dropped: [String]
    ) {
        self.engine = engine
        self.model = model
        self.backends = backends
        self.date = date
        self.requests = requests
        self.prefillRMS = prefillRMS
        self.prefillR2 = prefillR2
        self.prefillObservations = prefillObservations
        self.decodeRMS = decodeRMS
        self.decodeR2 = decodeR2
        self.decodeGaps = decodeGaps
        self.overhead = overhead
        self.dropped = dropped
    }
}
