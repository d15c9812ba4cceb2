/// One-line descriptions of the workload specs, for `switchyard workloads`.
public enum WorkloadCatalog {
    /// Each spec form with a summary, in the order the command lists them.
    public static let descriptions: [(name: String, summary: String)] = [
        (
            "azure-conv",
            "Azure LLM inference 2023, conversation service: real arrivals (~5.5 req/s), medium prompts, "
                + "outputs up to 1,000 tokens. Bundled 3,000-row sample; the full 19,366 rows with --data-dir."
        ),
        (
            "azure-code",
            "Azure LLM inference 2023, code service: very bursty real arrivals, long prompts, short outputs "
                + "(prefill-heavy). Bundled 3,000-row sample; the full 8,819 rows with --data-dir."
        ),
        (
            "sharegpt",
            "ShareGPT V3 first turns: real prompt text, Gemma 3 token counts, no arrival times. Bundled "
                + "1,000-pair sample; the full 11,128 pairs with --data-dir."
        ),
        (
            "vidur",
            "Vidur arXiv summarization (Llama-2 tokens): long prompts with a long output tail, no arrival times. "
                + "Bundled 1,000-row sample; the full 28,257 rows with --data-dir."
        ),
        (
            "mooncake",
            "Mooncake FAST'25 conversation trace (Kimi production chat): real arrivals, long prompts (avg 12k "
                + "tokens) with prefix block hashes for prefix caching. Bundled first 1,000 requests (330 s); the "
                + "full 12,031 (one hour) with --data-dir."
        ),
        ("azure:PATH", "An Azure-format CSV file (TIMESTAMP,ContextTokens,GeneratedTokens); keeps its arrivals."),
        ("sharegpt:PATH", "A ShareGPT JSONL file (id, prompt, prompt_tokens_gemma3, response_tokens_gemma3)."),
        ("vidur:PATH", "A Vidur CSV file (num_prefill_tokens,num_decode_tokens)."),
        ("mooncake:PATH", "A Mooncake JSONL trace (timestamp ms, input_length, output_length, hash_ids)."),
        (
            "synthetic:prompt=A-B,output=C-D,count=N",
            "Generated sizes, uniform in the ranges (defaults prompt=100-1000, output=10-500; count defaults to "
                + "--requests, else 1,000); no arrival times."
        ),
        (
            "mix:A+B@R",
            "Requests drawn from A with probability R (default 0.5), else from B; arrivals are assigned by the "
                + "arrival process (Poisson at --rate), not taken from either trace."
        ),
    ]
}
