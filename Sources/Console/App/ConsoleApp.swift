import Dispatch
import Foundation
import SwitchyardCore

/// The live console: the loop that reads keys, sends commands, polls the backend and draws, at a steady rate.
public enum ConsoleApp {
    /// Runs the console on the terminal until the operator quits (`q`) or the task is cancelled.
    ///
    /// Each frame: read the waiting keys without blocking and apply them with any scripted actions; send the
    /// resulting commands to the backend (awaiting each); take a snapshot; draw it, writing only changed cells;
    /// sleep until the next frame. The terminal is restored on quit, on error, on cancellation and on signals.
    /// - Throws: ``ThemeError`` for a bad `--theme` (before the terminal changes mode), ``ConsoleError`` when there
    ///   is no usable terminal.
    public static func run(backend: any ClusterBackend, options: ConsoleOptions) async throws {
        var themes = try ThemeCatalog(
            loader: ThemeLoader(directory: options.themesDirectory, environment: options.environment),
            initial: options.theme,
            noColor: options.noColor
        )
        var state = ConsoleState(
            policyNames: backend.policyNames,
            themeNames: themes.names,
            themeIndex: themes.initialIndex
        )
        state.referencePolicyNames = backend.referencePolicyNames
        let terminal = try CursesTerminal(allowColor: !options.noColor, term: options.environment["TERM"])
        defer { terminal.shutdown() }
        state.colorAvailable = terminal.colorEnabled
        let screen = CursesScreen(terminal: terminal, theme: try themes.theme(at: state.themeIndex))
        var themeIndex = state.themeIndex
        // Keys in the first frame act on what the backend reports, not on the state's guesses.
        state.sync(with: await backend.snapshot())

        let inbox = ActionInbox()
        let script = options.scriptedActions.map { stream in
            Task {
                for await action in stream { await inbox.append(action) }
            }
        }
        defer { script?.cancel() }
        // Ctrl-C, SIGTERM and SIGHUP (the terminal went away) quit as `q` does: the terminal is restored and the
        // exit status is 0.
        let signals = [SIGINT, SIGTERM, SIGHUP].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { Task { await inbox.append(.quit) } }
            source.resume()
            return source
        }
        defer {
            for source in signals { source.cancel() }
        }

        let clock = ContinuousClock()
        var deadline = clock.now
        while !Task.isCancelled {
            let keys = terminal.pendingKeys().filter { $0 != .resize }
            screen.syncSize()
            let scripted = await inbox.drain()
            let drawn = await frame(
                keys: keys,
                scripted: scripted,
                state: &state,
                backend: backend,
                options: options,
                screen: screen
            )
            guard drawn != nil else { break }
            if state.themeIndex != themeIndex {
                themeIndex = state.themeIndex
                do {
                    screen.setTheme(try themes.theme(at: themeIndex))
                } catch {
                    state.show(status: "\(error)")
                }
            }
            screen.present()

            deadline = deadline.advanced(by: options.frameInterval)
            let now = clock.now
            if deadline < now { deadline = now }
            do {
                try await Task.sleep(until: deadline, clock: clock)
            } catch {
                break
            }
        }
    }

    /// One frame, without the terminal: applies `keys` (each in the mode the previous one left, so `b` then `1`
    /// works) and then `scripted` actions, sends their commands, takes a snapshot and draws it into `screen`.
    /// - Returns: The snapshot drawn, or nil when the operator quit.
    static func frame(
        keys: [Key],
        scripted: [ConsoleAction],
        state: inout ConsoleState,
        backend: any ClusterBackend,
        options: ConsoleOptions,
        screen: any Screen
    ) async -> ClusterSnapshot? {
        for key in keys where !state.isQuitting {
            guard let action = KeyMap.action(for: key, mode: state.inputMode) else { continue }
            await apply(action, to: &state, backend: backend, options: options)
        }
        for action in scripted where !state.isQuitting {
            await apply(action, to: &state, backend: backend, options: options)
        }
        if state.isQuitting { return nil }
        let snapshot = await backend.snapshot()
        options.onFrame?(snapshot)
        state.sync(with: snapshot)
        state.apply(ConsoleRenderer.render(state: state, snapshot: snapshot, into: screen))
        state.tick()
        return snapshot
    }

    /// Applies one action: updates the state and sends its commands to the backend, reporting failures in the
    /// footer.
    private static func apply(
        _ action: ConsoleAction,
        to state: inout ConsoleState,
        backend: any ClusterBackend,
        options: ConsoleOptions
    ) async {
        for command in state.handle(action) {
            options.onCommand?(command)
            do {
                try await send(command, to: backend)
            } catch {
                state.show(status: "\(error)")
            }
        }
    }

    /// Sends one command to the backend.
    /// - Throws: What the backend throws (an unknown policy, comparison unavailable).
    static func send(_ command: ConsoleCommand, to backend: any ClusterBackend) async throws {
        switch command {
        case .setPolicy(let name): try await backend.setPolicy(name)
        case .burst(let kind): try await backend.injectBurst(kind)
        case .pause(let paused): await backend.setPaused(paused)
        case .speed(let speed): await backend.setSpeed(speed)
        case .compare(let policy, let kind): try await backend.setComparison(policy, kind: kind)
        case .quit: break
        }
    }

    /// Renders one frame off-terminal: the text a person would see on a `width`×`height` terminal.
    ///
    /// For tests and README captures. With `ansi`, the text carries colour escapes for `theme` (pipe it through
    /// `aha` for HTML); without, it is plain and the theme does not matter.
    /// - Parameters:
    ///   - snapshot: The cluster to draw.
    ///   - state: The console state; when nil, a fresh state that follows the snapshot.
    ///   - width: Columns of the imagined terminal.
    ///   - height: Rows of the imagined terminal.
    ///   - theme: Colours for `ansi` output.
    ///   - ansi: Whether to add colour escapes.
    /// - Returns: The rows of text, joined by newlines (trailing spaces trimmed unless `ansi`).
    public static func renderOnce(
        snapshot: ClusterSnapshot,
        state: ConsoleState? = nil,
        width: Int,
        height: Int,
        theme: Theme = .standard,
        ansi: Bool = false
    ) -> String {
        var current = state ?? ConsoleState(policyNames: [snapshot.policy], themeNames: [theme.name])
        if state == nil { current.sync(with: snapshot) }
        let grid = GridScreen(width: width, height: height)
        ConsoleRenderer.render(state: current, snapshot: snapshot, into: grid)
        return ansi ? grid.ansiText(theme: theme) : grid.text()
    }
}
