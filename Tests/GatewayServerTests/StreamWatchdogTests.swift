import Synchronization
import Testing

@testable import GatewayServer

/// The stream watchdog on a manual clock: no wall time in these tests.
@Suite struct StreamWatchdogTests {
    final class Cancelled: Sendable {
        let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
    }

    @Test func theFirstByteDeadlineThenTheIdleDeadlineTimeAStream() {
        let watchdog = StreamWatchdog(clock: { 0 }, ticking: false)
        let cancelled = Cancelled()
        let watch = StreamWatch(start: 10)
        _ = watchdog.watch(watch, firstByte: 5, idle: 2) { cancelled.count.withLock { $0 += 1 } }
        watchdog.tick(now: 14.9)
        #expect(cancelled.value == 0, "before the first-byte deadline")
        watch.touch(at: 14.9)
        watchdog.tick(now: 16.8)
        #expect(cancelled.value == 0, "a byte came: now the idle deadline, 16.9, counts")
        watchdog.tick(now: 16.9)
        #expect(cancelled.value == 1)
        #expect(watch.timedOut?.contains("idle timeout") == true)
        #expect(watchdog.count == 0, "an expired stream is no longer watched")
    }

    @Test func aStreamWithNoByteTimesOutOnTheFirstByteDeadline() {
        let watchdog = StreamWatchdog(clock: { 0 }, ticking: false)
        let cancelled = Cancelled()
        let watch = StreamWatch(start: 0)
        let key = watchdog.watch(watch, firstByte: 1, idle: 30) { cancelled.count.withLock { $0 += 1 } }
        watchdog.tick(now: 1)
        #expect(cancelled.value == 1)
        #expect(watch.timedOut?.contains("first-byte timeout") == true)
        // A forgotten stream is never cancelled.
        let other = StreamWatch(start: 0)
        let otherKey = watchdog.watch(other, firstByte: 1, idle: 1) { cancelled.count.withLock { $0 += 1 } }
        watchdog.forget(otherKey)
        watchdog.tick(now: 100)
        #expect(cancelled.value == 1)
        _ = key
    }
}
