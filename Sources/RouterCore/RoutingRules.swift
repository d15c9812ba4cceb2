import SwitchyardCore

/// The rules the router applies to a policy's decision, the same in the simulator and the live gateway.
public enum RoutingRules {
    /// Where a decision ends up once the router's rules are applied.
    public enum Outcome: Sendable, Equatable {
        /// Send the request to this instance.
        case instance(Int)
        /// Keep it in the router queue.
        case hold
        /// No instance of the view can take it.
        case none
    }

    /// Applies the router's rules to `decision`, taken by a policy on `view`:
    /// - a hold stays a hold while the request may still wait (`mayHold`, false once it waited its hold limit);
    ///   after that it goes to the instance that can take it with the fewest outstanding requests;
    /// - a pick of an instance that cannot take it (down, not serving its model, or out of range) goes there too,
    ///   so a request never goes to an instance known to be unable to serve it.
    ///
    /// The reason of `decision` says what the rules changed, and its target is set to where the request goes.
    /// - Parameters:
    ///   - decision: the policy's decision, amended in place.
    ///   - view: the view the policy saw; `healthy` marks the instances that can take the request.
    ///   - mayHold: whether the request may keep waiting in the router queue.
    ///   - name: an instance's name for the reason.
    /// - Returns: the instance, a hold, or none when no instance of the view is healthy.
    public static func settle(
        _ decision: inout RoutingDecision,
        in view: ClusterView,
        mayHold: Bool,
        name: (Int) -> String = { "i\($0)" }
    ) -> Outcome {
        func fallback() -> Int? {
            var best: Int? = nil
            for (index, load) in view.instances.enumerated() where load.healthy {
                if let b = best, view.instances[b].outstanding <= load.outstanding { continue }
                best = index
            }
            return best
        }
        switch decision.target {
        case .hold where mayHold:
            return .hold
        case .hold:
            guard let target = fallback() else { return .none }
            decision.reason += "; held past the limit"
            decision.target = .instance(InstanceID(target))
            return .instance(target)
        case .instance(let id):
            let index = id.rawValue
            if view.instances.indices.contains(index), view.instances[index].healthy { return .instance(index) }
            guard let target = fallback() else { return .none }
            decision.reason += "; sent to \(name(target)), the least-loaded instance up"
            decision.target = .instance(InstanceID(target))
            return .instance(target)
        }
    }
}
