import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Routing
import SwitchyardCore

/// `/admin/state`, `/admin/policy` and `/admin/burst`. With an admin token configured (required beyond loopback),
/// each needs `Authorization: Bearer <token>`.
struct AdminHandler: Sendable {
    let gateway: SwitchyardGateway

    private func authorized(_ request: Request) -> Bool {
        guard let token = gateway.configuration.adminToken, !token.isEmpty else { return true }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        return constantTimeEqual(Array(header.dropFirst("Bearer ".count).utf8), Array(token.utf8))
    }

    private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    func guarded(_ request: Request, _ body: () -> Response) -> Response {
        authorized(request) ? body() : GatewayError.unauthorized().response
    }

    func guardedAsync(_ request: Request, _ body: () async -> Response) async -> Response {
        authorized(request) ? await body() : GatewayError.unauthorized().response
    }

    struct StateReply: Encodable {
        var policy: String
        var policies: [String]
        var backends: [BackendStatus]
        var totals: Totals
        var snapshot: ClusterSnapshot

        struct Totals: Encodable {
            var arrived: Int
            var completed: Int
            var failed: Int
            var abandoned: Int
            var shed: Int
            var unserved: Int
            var inFlight: Int
            var waiting: Int

            enum CodingKeys: String, CodingKey {
                case arrived, completed, failed, abandoned, shed, unserved, waiting
                case inFlight = "in_flight"
            }
        }
    }

    func state() -> Response {
        let now = gateway.clock.now()
        let router = gateway.router
        let totals = router.totals
        return SwitchyardGateway.json(
            StateReply(
                policy: router.policyName,
                policies: router.policyNames,
                backends: router.backendStatus(now: now),
                totals: .init(
                    arrived: totals.arrived,
                    completed: totals.completed,
                    failed: totals.failed,
                    abandoned: totals.abandoned,
                    shed: totals.shed,
                    unserved: totals.unserved,
                    inFlight: totals.inFlight,
                    waiting: totals.waiting
                ),
                snapshot: snapshot(now: now)
            )
        )
    }

    /// The router's snapshot, with the twin's picture of B when one runs.
    private func snapshot(now: Double) -> ClusterSnapshot {
        var snapshot = gateway.router.snapshot(now: now)
        if let twin = gateway.twin.advance(now: now) { snapshot.twin = twin }
        return snapshot
    }

    func policy() -> Response {
        SwitchyardGateway.json([
            "policy": .string(gateway.router.policyName),
            "compare": gateway.router.comparisonName.map { JSONValue.string($0) } ?? .null,
            "twin": gateway.twin.policyName.map { JSONValue.string($0) } ?? .null,
            "policies": JSONValue.array(gateway.router.policyNames.map { .string($0) }),
        ])
    }

    /// `{"policy": "NAME"}` switches the policy; `{"compare": "NAME"}` starts a live A/B split against NAME
    /// (every other request), `{"compare": null}` stops it; `{"twin": "NAME"}` starts a twin routed by NAME (a
    /// simulated copy of the backends fed the real traffic; nothing real is routed by it; its picture of B is in
    /// `/admin/state`), `{"twin": null}` stops it. A split and a twin replace each other.
    func setPolicy(_ request: Request) async -> Response {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: 64 << 10),
            let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        else {
            return GatewayError.badRequest(#"The body must be a JSON object like {"policy": "least-requests"}."#)
                .response
        }
        let name = object["policy"]
        let compare = object["compare"]
        let twin = object["twin"]
        if name == nil, compare == nil, twin == nil {
            return GatewayError.badRequest("The body needs 'policy', 'compare' or 'twin'.", param: "policy").response
        }
        if compare != nil, twin != nil {
            return GatewayError.badRequest("Give 'compare' or 'twin', not both.", param: "twin").response
        }
        if let twin, !(twin is String || twin is NSNull) {
            return GatewayError.badRequest("The field 'twin' must be a string or null.", param: "twin").response
        }
        if let name, !(name is String) {
            return GatewayError.badRequest("The field 'policy' must be a string.", param: "policy").response
        }
        if let compare, !(compare is String || compare is NSNull) {
            return GatewayError.badRequest("The field 'compare' must be a string or null.", param: "compare").response
        }
        // Both names are checked before either takes effect.
        for (field, value) in [("policy", name), ("compare", compare), ("twin", twin)] {
            guard let wanted = value as? String, !gateway.router.policyNames.contains(wanted) else { continue }
            let message =
                PolicyCatalog.realModeRefusal(wanted, instances: gateway.router.descriptors.count)
                ?? "\(ClusterBackendError.unknownPolicy(wanted, known: gateway.router.policyNames))"
            return GatewayError.badRequest(message, param: field).response
        }
        do {
            if let name = name as? String {
                try gateway.router.setPolicy(name, now: gateway.clock.now())
                gateway.logger.info("policy switched to \(name) via /admin/policy")
            }
            if let compare {
                if compare is String { gateway.twin.stop() }
                try gateway.router.setComparison(compare as? String, now: gateway.clock.now())
            }
            if let twin {
                if let policy = twin as? String {
                    try gateway.router.setComparison(nil, now: gateway.clock.now())
                    try gateway.twin.start(policy, now: gateway.clock.now())
                    gateway.logger.info("twin started against \(policy) via /admin/policy")
                } else {
                    gateway.twin.stop()
                }
            }
        } catch {
            return GatewayError.badRequest("\(error)", param: name != nil ? "policy" : twin != nil ? "twin" : "compare")
                .response
        }
        return policy()
    }

    /// `{"kind": "prefill-heavy" | "decode-heavy" | "mixed" | "conversation"}` starts a burst from the load generator.
    func burst(_ request: Request) async -> Response {
        let kindName: String
        switch await field("kind", of: request) {
        case .success(let value): kindName = value
        case .failure(let error): return error.response
        }
        guard let kind = BurstKind(rawValue: kindName) else {
            return GatewayError.badRequest(
                "Unknown burst kind '\(kindName)'. Known: \(BurstKind.allCases.map(\.rawValue).joined(separator: ", ")).",
                param: "kind"
            ).response
        }
        do {
            let count = try gateway.generator.burst(kind)
            gateway.router.noteBurst(kind, requests: count, now: gateway.clock.now())
            return SwitchyardGateway.json(
                ["kind": JSONValue.string(kind.rawValue), "requests": .number(Double(count))],
                status: .accepted
            )
        } catch {
            return GatewayError(
                status: .serviceUnavailable,
                message: error.description,
                type: "ServiceUnavailableError"
            )
            .response
        }
    }

    private func field(_ name: String, of request: Request) async -> Result<String, GatewayError> {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: 64 << 10) else {
            return .failure(.badRequest("The body is larger than 64 KiB."))
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        else {
            return .failure(.badRequest("The body must be a JSON object like {\"\(name)\": \"...\"}."))
        }
        guard let value = object[name] as? String else {
            return .failure(.badRequest("The field '\(name)' is required and must be a string.", param: name))
        }
        return .success(value)
    }
}
