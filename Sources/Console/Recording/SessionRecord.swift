import SwitchyardCore

/// One line of a `--record` file (JSONL): a drawn snapshot or an operator command, with its wall time.
public struct SessionRecord: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case snapshot
        case command
    }

    public var kind: Kind
    /// Seconds since the recording started.
    public var time: Double
    public var snapshot: ClusterSnapshot?
    /// The command, in words (`policy least-tokens`, `burst decode-heavy`, `pause on`, `speed 2`,
    /// `compare round-robin`, `compare off`, `quit`).
    public var command: String?

    public init(kind: Kind, time: Double, snapshot: ClusterSnapshot? = nil, command: String? = nil) {
        self.kind = kind
        self.time = time
        self.snapshot = snapshot
        self.command = command
    }

    /// The words that record a console command.
    public static func words(for command: ConsoleCommand) -> String {
        switch command {
        case .setPolicy(let name): "policy \(name)"
        case .burst(let kind): "burst \(kind.rawValue)"
        case .pause(let on): on ? "pause on" : "pause off"
        case .speed(let speed): "speed \(speed)"
        case .compare(let policy): "compare \(policy ?? "off")"
        case .quit: "quit"
        }
    }
}
