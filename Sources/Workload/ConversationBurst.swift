import SwitchyardCore

/// The `conversation` burst: multi-turn chats with real text that share one system prompt.
///
/// Eight conversations start within the first second; each has four turns, the next one 3 to 6 s after the
/// previous (a user reading and typing). Every turn's messages are the system prompt, the earlier turns (the user's
/// message and the assistant's answer) and the new user message, so a conversation's later prompts extend its
/// earlier ones and all of them start with the same system prompt. The user messages are cut from the bundled
/// ShareGPT sample's prompts; an assistant answer is filler text of the answer's length (the load generator does not
/// wait for real replies to build the next turn).
public enum ConversationBurst {
    public static let conversations = 8
    public static let turns = 4
    /// Tokens of the shared system prompt, about.
    public static let systemPromptTokens = 1200

    /// One turn: when it is sent, its messages, and how long its answer is.
    public struct Turn: Sendable, Equatable {
        public var arrival: Double
        public var messages: [ChatTurn]
        public var outputTokens: Int
    }

    /// The turns of one burst, sorted by arrival.
    /// - Parameters:
    ///   - time: when the burst starts.
    ///   - words: the text to cut messages from (the bundled ShareGPT prompts' words).
    ///   - rng: the seeded generator to draw from.
    /// - Returns: 32 turns, sorted by arrival.
    public static func turns(startingAt time: Double, words: [String], rng: inout some RandomNumberGenerator) -> [Turn]
    {
        let source = words.isEmpty ? ["Tell", "me", "about", "routing", "requests", "across", "servers."] : words
        func text(tokens: Int, from offset: Int) -> String {
            var parts: [String] = []
            var count = 0
            var index = offset % source.count
            while count < tokens {
                parts.append(source[index])
                count += TokenEstimator.estimate(source[index])
                index = (index + 1) % source.count
            }
            return parts.joined(separator: " ")
        }
        let system = ChatTurn(role: "system", content: text(tokens: systemPromptTokens, from: 0))
        var result: [Turn] = []
        for _ in 0..<conversations {
            var clock = time + (1 - RandomSampling.unitOpenBelow(using: &rng))
            var messages = [system]
            for turn in 0..<turns {
                if turn > 0 { clock += 3 + 3 * RandomSampling.unitOpenBelow(using: &rng) }
                let offset = Int.random(in: 0..<(source.count * 4), using: &rng)
                messages.append(
                    ChatTurn(role: "user", content: text(tokens: Int.random(in: 30...200, using: &rng), from: offset))
                )
                let answer = Int.random(in: 60...300, using: &rng)
                result.append(Turn(arrival: clock, messages: messages, outputTokens: answer))
                messages.append(ChatTurn(role: "assistant", content: text(tokens: answer, from: offset + 997)))
            }
        }
        return result.sorted { $0.arrival < $1.arrival }
    }

    /// A turn as the simulator's request: the rendered chat as its text, its token count as the gateway estimates
    /// a chat's, and the prefix hashes the gateway would compute.
    public static func request(_ turn: Turn, id: Int) -> Request {
        let text = ChatRendering.render(turn.messages)
        let content = turn.messages.map(\.content).joined(separator: "\n")
        return Request(
            id: RequestID(id),
            arrival: turn.arrival,
            promptTokens: TokenEstimator.estimate(content) + 4 * turn.messages.count,
            outputTokens: turn.outputTokens,
            text: turn.messages.last?.content,
            hint: "burst",
            prefix: PromptBlockHasher.hashes(text: text)
        )
    }
}
