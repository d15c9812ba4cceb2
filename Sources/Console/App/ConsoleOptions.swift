import Foundation
import SwitchyardCore

/// How ``ConsoleApp`` runs: theme, frame rate, and hooks for recording and scripted demos.
public struct ConsoleOptions: Sendable {
    /// A theme name (looked up by ``ThemeLoader``) or a path to a theme file; nil for `default`.
    public var theme: String?
    /// A directory searched for themes before `$SWITCHYARD_THEMES` and `./Themes`.
    public var themesDirectory: String?
    /// Frames per second; the console polls the backend once per frame.
    public var fps: Double
    /// The environment (`NO_COLOR`, `SWITCHYARD_THEMES`, `TERM`).
    public var environment: [String: String]
    /// Called with every snapshot the console draws, on the console's task.
    public var onFrame: (@Sendable (ClusterSnapshot) -> Void)?
    /// Called with every command the console sends to the backend, before it is sent.
    public var onCommand: (@Sendable (ConsoleCommand) -> Void)?
    /// Actions injected by a script, applied as if typed (`.caption(text)` shows narration).
    public var scriptedActions: AsyncStream<ConsoleAction>?

    public init(
        theme: String? = nil,
        themesDirectory: String? = nil,
        fps: Double = 10,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        onFrame: (@Sendable (ClusterSnapshot) -> Void)? = nil,
        onCommand: (@Sendable (ConsoleCommand) -> Void)? = nil,
        scriptedActions: AsyncStream<ConsoleAction>? = nil
    ) {
        self.theme = theme
        self.themesDirectory = themesDirectory
        self.fps = fps
        self.environment = environment
        self.onFrame = onFrame
        self.onCommand = onCommand
        self.scriptedActions = scriptedActions
    }

    /// Whether `NO_COLOR` is set to a non-empty value (no-color.org).
    var noColor: Bool { !(environment["NO_COLOR"] ?? "").isEmpty }

    /// The time between frames; the rate is kept within 1...60 fps.
    var frameInterval: Duration {
        let rate = fps.isFinite ? min(max(fps, 1), 60) : 10
        return .milliseconds(Int(1000 / rate))
    }
}
