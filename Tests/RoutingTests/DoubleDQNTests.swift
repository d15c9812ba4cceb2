import Foundation
import Routing
import SwitchyardCore
import Testing

@Test func denseNetworkFitsAnXORByGradientDescent() {
    var network = DenseNetwork(sizes: [2, 16, 1], seed: 3)
    var adam = AdamOptimizer(for: network, learningRate: 0.01)
    let inputs: [[Float]] = [[0, 0], [0, 1], [1, 0], [1, 1]]
    let targets: [Float] = [0, 1, 1, 0]
    var first: Float = 0
    var last: Float = 0
    for step in 0..<2000 {
        let (g, loss) = network.gradients(inputs: inputs) { i, out in
            ([out[0] - targets[i]], 0.5 * (out[0] - targets[i]) * (out[0] - targets[i]))
        }
        adam.apply(g, to: &network)
        if step == 0 { first = loss }
        last = loss
    }
    #expect(last < first / 20)
    for (x, y) in zip(inputs, targets) { #expect(abs(network.forward(x)[0] - y) < 0.2) }
}

/// A toy MDP: in state A (one-hot [1,0]) action 0 pays 1 and action 1 pays 0; in state B the opposite.
/// Transitions alternate between the two at random.
@Test func doubleDQNLossFallsAndLearnsTheToyMDP() {
    var agent = DoubleDQN(sizes: [2, 16, 2], seed: 11, learningRate: 0.005, gamma: 0.5, batchSize: 32, targetSync: 50)
    var rng = SplitMix64(seed: 5)
    let states: [[Float]] = [[1, 0], [0, 1]]
    var state = 0
    var losses: [Float] = []
    for _ in 0..<3000 {
        let action = agent.act(states[state], mask: [true, true], epsilon: 0.3)
        let reward: Float = action == state ? 1 : 0
        let next = Int(rng.next() % 2)
        agent.remember(
            Transition(
                state: states[state],
                action: action,
                reward: reward,
                next: states[next],
                nextMask: [true, true]
            )
        )
        if let loss = agent.train() { losses.append(loss) }
        state = next
    }
    let early = losses.prefix(200).reduce(0, +) / 200
    let late = losses.suffix(200).reduce(0, +) / 200
    print("dqn toy MDP: mean Huber loss first 200 steps \(early), last 200 steps \(late)")
    #expect(late < early)
    #expect(DoubleDQN.greedy(agent.online.forward(states[0]), mask: [true, true]) == 0)
    #expect(DoubleDQN.greedy(agent.online.forward(states[1]), mask: [true, true]) == 1)
    // Q(A, 0) ≈ 1 + γ·E[max Q(next)] = 1 + 0.5·(1/(1−0.5)) = 2.
    let q = agent.online.forward(states[0])[0]
    #expect(abs(q - 2) < 0.4)
}

@Test func greedyRespectsTheActionMask() {
    #expect(DoubleDQN.greedy([5, 1, 3], mask: [false, true, true]) == 2)
}

@Test func rlStateHasThePapersTwentySevenInputsForFourInstances() {
    #expect(RLState.size(instances: 4) == 27)
    let loads = (0..<4).map { InstanceLoad(id: InstanceID($0), buckets: 3, kvCapacityTokens: 1000, maxBatchSize: 8) }
    let view = ClusterView(now: 0, instances: loads, routerQueueLength: 2, cost: .paperV100, buckets: .paper)
    let request = RequestInfo(
        id: RequestID(0),
        arrival: 0,
        promptTokens: 1024,
        predictedBucket: 2,
        predictedOutputTokens: 3000
    )
    let x = RLState.encode(request, view)
    #expect(x.count == 27)
    #expect(x[0] == 2.0 / 16)
    #expect(x[1] == 0.5)
    #expect(x[2] == 1)
}

@Test func shippedRouterWeightsLoadAndRoute() throws {
    for instances in [4, 8] {
        for variant in RLPolicy.Variant.allCases {
            let model = try #require(
                RLModelFile.shipped(variant: variant.rawValue, instances: instances),
                "\(variant) \(instances)"
            )
            #expect(model.instances == instances)
            #expect(model.command.contains("train router"))
            var policy = try PolicyCatalog.make(variant.rawValue, seed: 1, instances: instances)
            let loads = (0..<instances).map { i -> InstanceLoad in
                var load = InstanceLoad(id: InstanceID(i), buckets: 3, kvCapacityTokens: 26_560, maxBatchSize: 128)
                load.outstanding = i
                return load
            }
            let view = ClusterView(now: 1, instances: loads, routerQueueLength: 0, cost: .paperV100, buckets: .paper)
            let request = RequestInfo(
                id: RequestID(0),
                arrival: 1,
                promptTokens: 500,
                predictedBucket: 1,
                predictedOutputTokens: 300
            )
            let decision = policy.route(request, in: view)
            // Nothing is saturated, so holding is masked: it must pick an instance, and score each one.
            guard case .instance(let id) = decision.target else {
                Issue.record("\(variant) held with idle instances")
                continue
            }
            #expect(id.rawValue < instances)
            #expect(decision.scores.count == instances)
        }
    }
    #expect(throws: PolicyError.self) { try PolicyCatalog.make("rl", seed: 1, instances: 5) }
}

@Test func malformedRouterModelFileNamesTheProblem() throws {
    let path = NSTemporaryDirectory() + "bad-rl-\(getpid()).json"
    try Data(#"{"variant":"rl"}"#.utf8).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
        _ = try RLModelFile.load(from: path)
        Issue.record("expected an error")
    } catch {
        #expect("\(error)".contains(path) && "\(error)".contains("'instances'"))
    }
}
