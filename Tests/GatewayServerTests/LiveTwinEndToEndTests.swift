import Engine
import Foundation
import Gateway
import Routing
import Simulator
import SwitchyardCore
import Synchronization
import Testing

@testable import GatewayServer

/// The console's twin A/B on a running gateway: real requests to emulated engines, B predicted, routing untouched.
@Suite(.serialized) struct LiveTwinEndToEndTests {
    @Test func aTwinFollowsRealTrafficWithoutRoutingAnyOfIt() async throws {
        let instances = try Harness.emulated(2, speed: 1)
        let profile = try ProfileCatalog.profile(named: ProfileCatalog.defaultName)
        // A connection that times out on a loaded machine is retried on the other backend, and a live re-route is
        // not in the replay: a generous connect timeout keeps this test about the twin.
        let configure: @Sendable (inout GatewayConfiguration) -> Void = {
            $0.profile = profile
            $0.connectTimeout = 15
        }
        try await Harness.run(instances: instances, configure: configure) { harness in
            let cluster = harness.gateway.liveCluster()
            let router = harness.gateway.router
            try await cluster.setComparison("least-requests", kind: .twin)
            #expect(router.comparisonName == nil)
            let count = 10
            // One after another: the live round-robin then routes them in id order, as the twin does.
            var statuses: [Int] = []
            for k in 0..<count {
                statuses.append(
                    try await harness.send("/v1/completions", json: Harness.streamBody(maxTokens: 6 + k)).status
                )
            }
            #expect(statuses.allSatisfy { $0 == 200 })
            // The twin catches up as the console reads it: every request compared on its A side.
            let caughtUp = try await harness.eventually(30) {
                await cluster.snapshot().twin?.prediction?.compared == count
            }
            #expect(caughtUp)
            let snapshot = await cluster.snapshot()
            let twin = try #require(snapshot.twin)
            let prediction = try #require(twin.prediction)
            #expect(twin.policy == "least-requests")
            #expect(prediction.profile == profile.name)
            #expect(prediction.e2eError != nil && prediction.estimated == 0)
            #expect(twin.completed == count)
            #expect(twin.instances.map(\.name) == router.descriptors.map(\.name))
            // B's decisions are the twin's: every request once, by B. The real ones were all A's.
            #expect(Set(twin.recentDecisions.map(\.request)).count == count)
            #expect(twin.recentDecisions.allSatisfy { $0.policy == "least-requests" })
            #expect(snapshot.recentDecisions.allSatisfy { $0.policy == "round-robin" })
            #expect(snapshot.markers.contains { $0.label == "twin vs least-requests" })
            // Its A side, routed by the live policy (round-robin decides from no load figure, so a faithful replay
            // must agree exactly), made the live router's decisions, request by request.
            let twinA = harness.gateway.twin.state.withLock { $0?.twin.decisionsA ?? [] }
            let live = snapshot.recentDecisions.sorted { $0.request < $1.request }
            let seen = "live: \(live.map { "\($0.request)->\($0.instance ?? -1) (\($0.reason))" })"
            #expect(twinA.count == count, "\(seen)")
            #expect(twinA.map(\.request) == live.map(\.request), "\(seen)")
            #expect(twinA.map(\.instance) == live.map(\.instance), "\(seen)")

            // A split replaces the twin; stopping ends both.
            try await cluster.setComparison("least-requests", kind: .split)
            #expect(router.comparisonName == "least-requests")
            #expect(await cluster.snapshot().twin?.prediction == nil)
            _ = router.arrive(PromptFeatures(promptTokens: 5), now: harness.gateway.clock.now())
            #expect(router.drainTwinFeed().isEmpty)
            try await cluster.setComparison(nil, kind: .split)
            #expect(router.comparisonName == nil)
            #expect(await cluster.snapshot().twin == nil)
        }
    }

    @Test func adminStartsATwinThatRunsWithNoConsoleAndReportsItInTheState() async throws {
        let instances = try Harness.emulated(2, speed: 20)
        try await Harness.run(instances: instances) { harness in
            let unknown = try await harness.send("/admin/policy", json: #"{"twin":"nope"}"#)
            #expect(unknown.status == 400 && unknown.body.contains("nope"))
            let both = try await harness.send("/admin/policy", json: #"{"twin":"least-requests","compare":"llm-d"}"#)
            #expect(both.status == 400 && both.body.contains("not both"))
            let started = try await harness.send("/admin/policy", json: #"{"twin":"least-requests"}"#)
            #expect(started.status == 200 && started.body.contains(#""twin":"least-requests""#), "\(started.body)")
            for k in 0..<6 {
                let reply = try await harness.send("/v1/completions", json: Harness.streamBody(maxTokens: 5 + k))
                #expect(reply.status == 200)
            }
            // Nobody reads the twin: its service alone drains the feed and settles every request.
            let settled = try await harness.eventually(20) {
                harness.gateway.twin.state.withLock { $0?.twin.liveIDs.count } == 6
            }
            #expect(settled)
            // The picture in the state is redrawn every half second, so it may lag the settling by one.
            func twinState() async throws -> [String: Any]? {
                let snapshot = try await harness.state()["snapshot"] as? [String: Any]
                return snapshot?["twin"] as? [String: Any]
            }
            let pictured = try await harness.eventually(5) {
                let prediction = try await twinState()?["prediction"] as? [String: Any]
                return prediction?["compared"] as? Int == 6
            }
            #expect(pictured)
            let twin = try #require(try await twinState())
            #expect(twin["policy"] as? String == "least-requests")
            // A split replaces it; null stops either.
            let split = try await harness.send("/admin/policy", json: #"{"compare":"least-requests"}"#)
            #expect(split.status == 200 && split.body.contains(#""twin":null"#), "\(split.body)")
            let stopped = try await harness.send("/admin/policy", json: #"{"compare":null}"#)
            #expect(stopped.status == 200)
            #expect(harness.gateway.twin.policyName == nil && harness.gateway.router.comparisonName == nil)
        }
    }
}
