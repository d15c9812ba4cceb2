/// One line of the key help: the keys as printed, and what they do.
public struct KeyBinding: Sendable, Equatable {
    public var keys: String
    public var summary: String

    public init(_ keys: String, _ summary: String) {
        self.keys = keys
        self.summary = summary
    }
}
