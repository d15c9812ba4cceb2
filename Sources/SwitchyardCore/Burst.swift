/// The kinds of workload burst an operator can inject.
///
/// Each is a short, high-rate train of requests (see `BurstShape` in Workload for the exact shape):
/// - `prefillHeavy`: long prompts, short answers (like the Azure code trace);
/// - `decodeHeavy`: short prompts, long answers;
/// - `mixed`: alternating the two.
public enum BurstKind: String, Sendable, Codable, CaseIterable {
    case prefillHeavy = "prefill-heavy"
    case decodeHeavy = "decode-heavy"
    case mixed

    public var title: String {
        switch self {
        case .prefillHeavy: "prefill-heavy"
        case .decodeHeavy: "decode-heavy"
        case .mixed: "mixed"
        }
    }
}
