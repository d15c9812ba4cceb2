import Synchronization

/// When the backend last sent a byte, and whether the watchdog gave up on it. Times are seconds on the gateway's
/// clock, passed in, so tests drive it with a manual clock.
final class StreamWatch: Sendable {
    private struct State {
        var start: Double
        var last: Double? = nil
        var timedOut: String? = nil
    }
    private let state: Mutex<State>

    init(start: Double) { state = Mutex(State(start: start)) }

    func touch(at now: Double) { state.withLock { $0.last = now } }

    /// When the backend must next send a byte, and what it means if it does not: the first-byte timeout before
    /// any byte, the idle timeout after.
    func deadline(firstByte: Double, idle: Double) -> (Double, String) {
        state.withLock { state in
            if let last = state.last {
                return (last + idle, "no byte for \(ProxyHandler.seconds(idle)) mid-stream (idle timeout)")
            }
            return (
                state.start + firstByte, "no body byte within \(ProxyHandler.seconds(firstByte)) (first-byte timeout)"
            )
        }
    }

    func timeOut(_ reason: String) { state.withLock { $0.timedOut = reason } }

    var timedOut: String? { state.withLock { $0.timedOut } }
}

/// One timer for every open stream: ten times a second it checks each stream's deadline and cancels the pump of
/// any whose backend has gone quiet for too long. Cheaper than a sleeping task per stream at thousands of streams.
///
/// ``tick(now:)`` is the whole decision; the ticker only calls it with the clock's time, so tests call it directly
/// with times of their choosing.
final class StreamWatchdog: Sendable {
    private struct Entry: Sendable {
        var watch: StreamWatch
        var firstByte: Double
        var idle: Double
        var cancel: @Sendable () -> Void
    }
    private struct State {
        var entries: [Int: Entry] = [:]
        var next = 0
        var ticker: Task<Void, Never>? = nil
    }
    private let state = Mutex(State())
    private let clock: @Sendable () -> Double
    private let ticking: Bool

    /// - Parameters:
    ///   - clock: Seconds on the gateway's clock.
    ///   - ticking: False for tests, which call ``tick(now:)`` themselves.
    init(clock: @escaping @Sendable () -> Double, ticking: Bool = true) {
        self.clock = clock
        self.ticking = ticking
    }

    /// Watches one stream until ``forget(_:)``; `cancel` stops its pump when a deadline passes.
    func watch(
        _ watch: StreamWatch,
        firstByte: Double,
        idle: Double,
        cancel: @escaping @Sendable () -> Void
    ) -> Int {
        state.withLock { state in
            let key = state.next
            state.next += 1
            state.entries[key] = Entry(watch: watch, firstByte: firstByte, idle: idle, cancel: cancel)
            if ticking, state.ticker == nil {
                let clock = self.clock
                state.ticker = Task { [weak self] in
                    while !Task.isCancelled, let self {
                        try? await Task.sleep(for: .milliseconds(100))
                        self.tick(now: clock())
                    }
                }
            }
            return key
        }
    }

    func forget(_ key: Int) {
        state.withLock { _ = $0.entries.removeValue(forKey: key) }
    }

    func stop() {
        state.withLock { state in
            state.ticker?.cancel()
            state.ticker = nil
        }
    }

    /// Streams watched now.
    var count: Int { state.withLock { $0.entries.count } }

    /// Times out every stream whose deadline is at or before `now`: marks it and cancels its pump (outside the lock).
    func tick(now: Double) {
        let expired = state.withLock { state in
            var expired: [(Entry, String)] = []
            for (key, entry) in state.entries {
                let (deadline, reason) = entry.watch.deadline(firstByte: entry.firstByte, idle: entry.idle)
                if now >= deadline {
                    expired.append((entry, reason))
                    state.entries.removeValue(forKey: key)
                }
            }
            return expired
        }
        for (entry, reason) in expired {
            entry.watch.timeOut(reason)
            entry.cancel()
        }
    }
}
