/// The kinds of workload burst an operator can inject.
///
/// Each is a short, high-rate train of requests (see `BurstShape` in Workload for the exact shape):
/// - `prefillHeavy`: long prompts, short answers (like the Azure code trace);
/// - `decodeHeavy`: short prompts, long answers;
/// - `mixed`: alternating the two;
/// - `conversation`: multi-turn chats sharing one system prompt, each later turn carrying the earlier ones, so that
///   prefix caching (and a router that follows it) pays off.
public enum BurstKind: String, Sendable, Codable, CaseIterable {
    case prefillHeavy = "prefill-heavy"
    case decodeHeavy = "decode-heavy"
    case mixed
    case conversation

    public var title: String {
        switch self {
        case .prefillHeavy: "prefill-heavy"
        case .decodeHeavy: "decode-heavy"
        case .mixed: "mixed"
        case .conversation: "conversation"
        }
    }
}
