/// One Prometheus histogram as vLLM publishes it: fixed upper bounds, counts per bucket, a count and a sum.
public struct VLLMHistogram: Sendable, Equatable {
    public let name: String
    public let help: String
    public let bounds: [Double]
    /// Observations per bucket (not cumulative); the last entry is `+Inf`.
    public private(set) var buckets: [Int]
    public private(set) var count = 0
    public private(set) var sum = 0.0

    init(_ name: String, _ help: String, bounds: [Double]) {
        self.name = name
        self.help = help
        self.bounds = bounds
        self.buckets = Array(repeating: 0, count: bounds.count + 1)
    }

    mutating func observe(_ value: Double) {
        let index = bounds.firstIndex { value <= $0 } ?? bounds.count
        buckets[index] += 1
        count += 1
        sum += value
    }
}

/// vLLM V1's request and iteration histograms, with its names, help texts and bucket bounds (from the captured
/// `/metrics` of a vLLM 0.10 server, ../shared/data/engine-samples/vllm/metrics_v1.txt), so that monitors built for
/// vLLM (vllm-htop, vllmpytop, Grafana dashboards) show the emulator's latencies. `vllm:inter_token_latency_seconds`
/// is the name newer vLLM gives `time_per_output_token_seconds`; both are published.
public struct VLLMHistograms: Sendable, Equatable {
    static let tokenCounts: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000]
    static let phaseSeconds: [Double] = [
        0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
    ]
    static let tokenGaps: [Double] = [
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
    ]

    public var timeToFirstToken = VLLMHistogram(
        "vllm:time_to_first_token_seconds",
        "Histogram of time to first token in seconds.",
        bounds: [
            0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640,
            2560,
        ]
    )
    public var timePerOutputToken = VLLMHistogram(
        "vllm:time_per_output_token_seconds",
        "Histogram of time per output token in seconds.",
        bounds: tokenGaps
    )
    public var interTokenLatency = VLLMHistogram(
        "vllm:inter_token_latency_seconds",
        "Histogram of inter-token latency in seconds.",
        bounds: tokenGaps
    )
    public var e2eLatency = VLLMHistogram(
        "vllm:e2e_request_latency_seconds",
        "Histogram of e2e request latency in seconds.",
        bounds: phaseSeconds
    )
    public var queueTime = VLLMHistogram(
        "vllm:request_queue_time_seconds",
        "Histogram of time spent in WAITING phase for request.",
        bounds: phaseSeconds
    )
    public var inferenceTime = VLLMHistogram(
        "vllm:request_inference_time_seconds",
        "Histogram of time spent in RUNNING phase for request.",
        bounds: phaseSeconds
    )
    public var prefillTime = VLLMHistogram(
        "vllm:request_prefill_time_seconds",
        "Histogram of time spent in PREFILL phase for request.",
        bounds: phaseSeconds
    )
    public var decodeTime = VLLMHistogram(
        "vllm:request_decode_time_seconds",
        "Histogram of time spent in DECODE phase for request.",
        bounds: phaseSeconds
    )
    public var promptTokens = VLLMHistogram(
        "vllm:request_prompt_tokens",
        "Number of prefill tokens processed.",
        bounds: tokenCounts
    )
    public var generationTokens = VLLMHistogram(
        "vllm:request_generation_tokens",
        "Number of generation tokens processed.",
        bounds: tokenCounts
    )
    public var maxGenerationTokens = VLLMHistogram(
        "vllm:request_max_num_generation_tokens",
        "Histogram of maximum number of requested generation tokens.",
        bounds: tokenCounts
    )
    public var paramsN = VLLMHistogram(
        "vllm:request_params_n",
        "Histogram of the n request parameter.",
        bounds: [1, 2, 5, 10, 20]
    )
    public var paramsMaxTokens = VLLMHistogram(
        "vllm:request_params_max_tokens",
        "Histogram of the max_tokens request parameter.",
        bounds: tokenCounts
    )
    public var iterationTokens = VLLMHistogram(
        "vllm:iteration_tokens_total",
        "Histogram of number of tokens per engine_step.",
        bounds: [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]
    )

    /// vLLM V0's histograms, which differ from V1's in buckets and, for E2E, in help text (from a real V0 reply,
    /// ../shared/data/engine-samples/vllm/metrics_v0.txt). Observed beside V1's so that either set can be published.
    public var v0TimeToFirstToken = VLLMHistogram(
        "vllm:time_to_first_token_seconds",
        "Histogram of time to first token in seconds.",
        bounds: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]
    )
    public var v0TimePerOutputToken = VLLMHistogram(
        "vllm:time_per_output_token_seconds",
        "Histogram of time per output token in seconds.",
        bounds: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5]
    )
    public var v0E2ELatency = VLLMHistogram(
        "vllm:e2e_request_latency_seconds",
        "Histogram of end to end request latency in seconds.",
        bounds: [1, 2.5, 5, 10, 15, 20, 30, 40, 50, 60]
    )
    public var v0PromptTokens = VLLMHistogram(
        "vllm:request_prompt_tokens",
        "Number of prefill tokens processed.",
        bounds: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]
    )
    public var v0GenerationTokens = VLLMHistogram(
        "vllm:request_generation_tokens",
        "Number of generation tokens processed.",
        bounds: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]
    )
    public var v0ParamsBestOf = VLLMHistogram(
        "vllm:request_params_best_of",
        "Histogram of the best_of request parameter.",
        bounds: [1, 2, 5, 10, 20]
    )
    public var v0ParamsN = VLLMHistogram(
        "vllm:request_params_n",
        "Histogram of the n request parameter.",
        bounds: [1, 2, 5, 10, 20]
    )

    public init() {}

    /// V0's histograms, in the order vLLM V0 publishes them.
    public var allV0: [VLLMHistogram] {
        [
            v0TimeToFirstToken, v0TimePerOutputToken, v0E2ELatency, v0PromptTokens, v0GenerationTokens,
            v0ParamsBestOf, v0ParamsN,
        ]
    }

    /// A request's first token came `seconds` after it arrived.
    mutating func firstToken(after seconds: Double) {
        timeToFirstToken.observe(seconds)
        v0TimeToFirstToken.observe(seconds)
    }

    /// A token came `seconds` after the request's previous one.
    mutating func tokenGap(_ seconds: Double) {
        timePerOutputToken.observe(seconds)
        interTokenLatency.observe(seconds)
        v0TimePerOutputToken.observe(seconds)
    }

    /// Every histogram, in the order vLLM publishes them.
    public var all: [VLLMHistogram] {
        [
            promptTokens, generationTokens, iterationTokens, maxGenerationTokens, paramsN, paramsMaxTokens,
            timeToFirstToken, timePerOutputToken, interTokenLatency, e2eLatency, queueTime, inferenceTime,
            prefillTime, decodeTime,
        ]
    }

    /// Records a finished request's phases (wall-clock seconds: emulated time over the speed) and sizes.
    mutating func finished(
        arrival: Double,
        admitted: Double,
        firstToken: Double,
        end: Double,
        prompt: Int,
        generated: Int,
        maxTokens: Int
    ) {
        e2eLatency.observe(end - arrival)
        queueTime.observe(max(0, admitted - arrival))
        inferenceTime.observe(max(0, end - admitted))
        prefillTime.observe(max(0, firstToken - admitted))
        decodeTime.observe(max(0, end - firstToken))
        promptTokens.observe(Double(prompt))
        generationTokens.observe(Double(generated))
        maxGenerationTokens.observe(Double(maxTokens))
        paramsN.observe(1)
        paramsMaxTokens.observe(Double(maxTokens))
        v0E2ELatency.observe(end - arrival)
        v0PromptTokens.observe(Double(prompt))
        v0GenerationTokens.observe(Double(generated))
        v0ParamsBestOf.observe(1)
        v0ParamsN.observe(1)
    }
}
