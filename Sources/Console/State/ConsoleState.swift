import SwitchyardCore

/// The console's view state as a value-type state machine: ``handle(_:)`` applies an operator action and returns the
/// commands the caller must send to the backend. No I/O happens here.
public struct ConsoleState: Sendable, Equatable {
    /// The speed factors `+` and `-` step through, in simulated seconds per wall second.
    public static let speedSteps: [Double] = [0.25, 0.5, 1, 2, 5, 10, 20, 50, 100]
    /// How long a status message stays in the footer, in frames (3 s at 10 fps).
    public static let statusLifetime = 30

    /// The backend's policies, in menu order.
    public var policyNames: [String]
    /// Those of ``policyNames`` that are references, not routers: labelled `ref` in the menu and the header.
    public var referencePolicyNames: Set<String> = []
    /// The A policy, as the backend last reported it.
    public var policy: String
    /// The B policy of the A/B twin, or nil when comparison is off.
    public var comparison: String?
    /// The B of the last A/B (`--compare NAME` at launch, or one started with `a`): `a` starts it again.
    public private(set) var lastComparison: String?
    public var paused: Bool
    public var speed: Double
    /// True on a real cluster (the snapshot's mode is LIVE), which cannot pause or change speed.
    public var isLive = false
    /// Nothing is routed (`switchyard top`): steering keys explain instead of acting.
    public var isWatchOnly = false
    /// False when the screen has no colour (`NO_COLOR`, or a terminal without colours): themes cannot change it.
    public var colorAvailable = true
    public var instanceCount: Int
    /// The focused instance's index, or nil.
    public var focus: Int?
    public var overlay: ConsoleOverlay
    /// The first instance row shown in compact mode.
    public var scroll: Int
    /// The first request row shown in the instance detail.
    public var detailScroll: Int
    /// Rows `PgUp`/`PgDn` move: what the last frame could show.
    public var pageSize: Int
    public var themeNames: [String]
    public var themeIndex: Int
    /// A script's narration line, shown above the footer.
    public var caption: String?
    /// A short note in the footer about the last action (or a backend error).
    public private(set) var status: String?
    public private(set) var statusFramesLeft: Int
    public private(set) var isQuitting: Bool

    /// - Parameters:
    ///   - policyNames: The backend's policy list.
    ///   - policy: The current policy; the first in the list when nil.
    ///   - themeNames: Themes `t` cycles through.
    ///   - themeIndex: The theme in use.
    public init(policyNames: [String], policy: String? = nil, themeNames: [String] = ["default"], themeIndex: Int = 0) {
        self.policyNames = policyNames
        self.policy = policy ?? policyNames.first ?? ""
        self.comparison = nil
        self.paused = false
        self.speed = 1
        self.instanceCount = 0
        self.focus = nil
        self.overlay = .none
        self.scroll = 0
        self.detailScroll = 0
        self.pageSize = 10
        self.themeNames = themeNames.isEmpty ? ["default"] : themeNames
        self.themeIndex = min(max(0, themeIndex), self.themeNames.count - 1)
        self.caption = nil
        self.status = nil
        self.statusFramesLeft = 0
        self.isQuitting = false
    }

    /// The key mode that follows from what is open.
    public var inputMode: InputMode {
        switch overlay {
        case .none: .normal
        case .help: .help
        case .burstMenu: .burstMenu
        case .compareMenu: .compareMenu
        case .policyMenu: .policyMenu
        case .detail: .detail
        }
    }

    public var themeName: String { themeNames[themeIndex] }

    /// Takes what the backend reports as the truth: policy, comparison, pause, speed, instance count.
    public mutating func sync(with snapshot: ClusterSnapshot) {
        policy = snapshot.policy
        comparison = snapshot.twin?.policy
        if let comparison { lastComparison = comparison }
        paused = snapshot.paused
        speed = snapshot.speed
        isLive = snapshot.mode == .live
        isWatchOnly = snapshot.watchOnly
        instanceCount = snapshot.instances.count
        if let current = focus, current >= instanceCount { focus = instanceCount > 0 ? instanceCount - 1 : nil }
        if overlay == .detail, focus == nil { overlay = .none }
        scroll = min(scroll, max(0, instanceCount - 1))
    }

    /// Ages the status message by one frame.
    public mutating func tick() {
        guard statusFramesLeft > 0 else { return }
        statusFramesLeft -= 1
        if statusFramesLeft == 0 { status = nil }
    }

    /// Shows `message` in the footer for ``statusLifetime`` frames.
    public mutating func show(status message: String) {
        status = message
        statusFramesLeft = Self.statusLifetime
    }

    /// Applies `action` and returns the backend commands it needs, in order.
    public mutating func handle(_ action: ConsoleAction) -> [ConsoleCommand] {
        if isWatchOnly, action.steers {
            show(status: "top only watches: policies, bursts and A/B act through a gateway (serve, console --backend)")
            return []
        }
        switch action {
        case .nextPolicy:
            guard let index = policyNames.firstIndex(of: policy) else { return switchPolicy(to: policyNames.first) }
            return switchPolicy(to: policyNames[(index + 1) % policyNames.count])
        case .openPolicyMenu:
            overlay = .policyMenu
            return []
        case .choosePolicy(let index):
            if overlay == .policyMenu { overlay = .none }
            guard policyNames.indices.contains(index) else {
                show(status: "no policy \(index + 1): there are \(policyNames.count)")
                return []
            }
            return switchPolicy(to: policyNames[index])
        case .selectPolicy(let name):
            guard policyNames.contains(name) else {
                show(status: "unknown policy \(name)")
                return []
            }
            return switchPolicy(to: name)
        case .openBurstMenu:
            overlay = .burstMenu
            return []
        case .burst(let kind):
            if overlay == .burstMenu { overlay = .none }
            show(status: "burst: \(kind.title)")
            return [.burst(kind)]
        case .toggleCompare:
            return toggleCompare()
        case .startCompare(let kind):
            if overlay == .compareMenu { overlay = .none }
            return startCompare(kind)
        case .togglePause, .faster, .slower, .setSpeed:
            if isLive {
                show(status: "LIVE: a real cluster runs in real time; pause and speed act on simulations")
                return []
            }
            return handleRest(action)
        default:
            return handleRest(action)
        }
    }

    /// Time control, navigation, theme, help, captions and quit.
    private mutating func handleRest(_ action: ConsoleAction) -> [ConsoleCommand] {
        switch action {
        case .togglePause:
            paused.toggle()
            show(status: paused ? "paused" : "running")
            return [.pause(paused)]
        case .faster:
            return setSpeed(Self.speedSteps.first { $0 > speed * 1.001 })
        case .slower:
            return setSpeed(Self.speedSteps.last { $0 < speed * 0.999 })
        case .setSpeed(let value):
            return setSpeed(value > 0 ? value : nil)
        case .focusNext, .focusPrevious, .openDetail, .dismiss, .scrollUp, .scrollDown, .pageUp, .pageDown:
            navigate(action)
            return []
        case .nextTheme:
            guard colorAvailable else {
                show(status: "no colour (NO_COLOR is set or the terminal has none): the screen stays mono")
                return []
            }
            themeIndex = (themeIndex + 1) % themeNames.count
            show(status: "theme: \(themeName)")
            return []
        case .toggleHelp:
            overlay = overlay == .help ? .none : .help
            return []
        case .caption(let text):
            caption = text.isEmpty ? nil : text
            return []
        case .quit:
            isQuitting = true
            return [.quit]
        case .nextPolicy, .choosePolicy, .selectPolicy, .openBurstMenu, .openPolicyMenu, .burst, .toggleCompare,
            .startCompare:
            return []  // handled by handle(_:)
        }
    }

    private mutating func switchPolicy(to name: String?) -> [ConsoleCommand] {
        guard let name, name != policy else { return [] }
        policy = name
        show(status: "policy: \(name)")
        return [.setPolicy(name)]
    }

    private mutating func toggleCompare() -> [ConsoleCommand] {
        if comparison != nil {
            comparison = nil
            show(status: "A/B off")
            return [.compare(nil)]
        }
        // A real cluster can be compared two ways: ask which (when there is a second policy to compare with).
        if isLive, policyNames.count > 1 {
            overlay = .compareMenu
            return []
        }
        return startCompare(.twin)
    }

    /// Starts an A/B of `kind` against B: the last A/B's B when there was one (and it is not A), else round-robin,
    /// or when A is round-robin, the next policy.
    private mutating func startCompare(_ kind: ComparisonKind) -> [ConsoleCommand] {
        guard policyNames.count > 1 else {
            show(status: "A/B needs a second policy")
            return []
        }
        let index = policyNames.firstIndex(of: policy) ?? -1
        let count = policyNames.count
        let following = (1..<count).map { policyNames[(index + $0 + count) % count] }
        // The paper's baseline is the natural B: round-robin, or when A is round-robin, the next policy.
        // Oracle references are yardsticks, never a default (design.md): skip them unless nothing else is left.
        let baseline = policy != "round-robin" && policyNames.contains("round-robin") ? "round-robin" : nil
        let again = lastComparison.flatMap { $0 != policy && policyNames.contains($0) ? $0 : nil }
        let other = again ?? baseline ?? following.first { !$0.contains("oracle") } ?? following[0]
        comparison = other
        lastComparison = other
        let how =
            isLive ? (kind == .twin ? " (twin: B predicted, routing untouched)" : " (split: every other request)") : ""
        show(status: "A/B: \(policy) vs \(other)\(how)")
        return [.compare(other, kind: kind)]
    }

    private mutating func setSpeed(_ value: Double?) -> [ConsoleCommand] {
        guard let value, value != speed else { return [] }
        speed = value
        show(status: "speed ×\(Format.speed(value))")
        return [.speed(value)]
    }
}

extension ConsoleAction {
    /// Whether the action steers the routing (policy, burst, A/B) rather than the view.
    var steers: Bool {
        switch self {
        case .nextPolicy, .openPolicyMenu, .choosePolicy, .selectPolicy, .openBurstMenu, .burst, .toggleCompare,
            .startCompare:
            true
        default: false
        }
    }
}
