/// One chat message as the router hashes it and the load generator sends it.
public struct ChatTurn: Sendable, Equatable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// How a chat is rendered into one text for prefix hashing, as a chat template lays messages out in order: a later
/// turn of a conversation extends the rendering of the earlier ones, so their block hashes share a prefix.
public enum ChatRendering {
    /// `<|role|>` on its own line, then the content, for each message in order.
    public static func render(_ messages: [ChatTurn]) -> String {
        messages.map { "<|\($0.role)|>\n\($0.content)\n" }.joined()
    }
}
