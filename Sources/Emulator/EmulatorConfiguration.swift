import Engine

/// How one emulated vLLM instance behaves: which engine profile it runs, how fast, and what it calls itself.
public struct EmulatorConfiguration: Sendable {
    /// The model name served by `/v1/models` and required in requests (vLLM's `--served-model-name`).
    public var modelName: String
    /// The latency and capacity profile the engine model runs.
    public var profile: LatencyProfile
    /// Emulated seconds per wall-clock second: 2 runs the engine twice as fast as the profile says.
    public var speed: Double
    /// Draw output lengths from the bundled Azure conv sample (capped by `max_tokens`) instead of using
    /// `max_tokens` as the length.
    public var traceLengths: Bool
    /// Seeds the trace-length draws and the error-rate fault.
    public var seed: UInt64
    /// Output length when a request gives no `max_tokens` (vLLM's completions default is 16).
    public var defaultMaxTokens: Int
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes: Int
    /// Faults active from the start.
    public var faults: FaultSettings
    /// Which vLLM's `/metrics` it imitates (V1 by default).
    public var vllmVersion: VLLMVersion = .v1

    /// The default served model name.
    public static let defaultModelName = "switchyard-emulated"

    /// Creates a configuration.
    /// - Parameters:
    ///   - modelName: the served model name.
    ///   - profile: the engine profile.
    ///   - speed: emulated seconds per wall-clock second; must be positive.
    ///   - traceLengths: draw output lengths from the bundled trace.
    ///   - seed: seeds every random draw.
    ///   - defaultMaxTokens: output length when a request gives none.
    ///   - maxBodyBytes: the request body cap.
    ///   - faults: faults active from the start.
    public init(
        modelName: String = EmulatorConfiguration.defaultModelName,
        profile: LatencyProfile,
        speed: Double = 1,
        traceLengths: Bool = false,
        seed: UInt64 = 0,
        defaultMaxTokens: Int = 16,
        maxBodyBytes: Int = 1 << 20,
        faults: FaultSettings = FaultSettings()
    ) {
        precondition(speed > 0, "speed must be positive, got \(speed)")
        self.modelName = modelName
        self.profile = profile
        self.speed = speed
        self.traceLengths = traceLengths
        self.seed = seed
        self.defaultMaxTokens = defaultMaxTokens
        self.maxBodyBytes = maxBodyBytes
        self.faults = faults
    }
}
