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

/// A toy MDP: in state A action 0 pays 1 and action 1 pays 0; in state B the opposite. Transitions alternate
/// between the two at random. Each action is a row: the state's one-hot and the action's index.
@Test func doubleDQNLossFallsAndLearnsTheToyMDP() {
    var agent = DoubleDQN(sizes: [3, 16, 2], seed: 11, learningRate: 0.005, gamma: 0.5, batchSize: 32, targetSync: 50)
    var rng = SplitMix64(seed: 5)
    let states: [[[Float]]] = [[[1, 0, 0], [1, 0, 1]], [[0, 1, 0], [0, 1, 1]]]
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
    #expect(DoubleDQN.greedy(agent.qValues(states[0]), mask: [true, true]) == 0)
    #expect(DoubleDQN.greedy(agent.qValues(states[1]), mask: [true, true]) == 1)
    // Q(A, 0) ≈ 1 + γ·E[max Q(next)] = 1 + 0.5·(1/(1−0.5)) = 2; Q(A, 1) ≈ 0 + 1 = 1.
    let q = agent.qValues(states[0])
    #expect(abs(q[0] - 2) < 0.4)
    #expect(abs(q[1] - 1) < 0.4)
}

@Test func greedyRespectsTheActionMask() {
    #expect(DoubleDQN.greedy([5, 1, 3], mask: [false, true, true]) == 2)
}

/// A view of `count` instances with different loads: instance i has i requests decoding, 2·i in prefill, its cache
/// 10·i % full, and one instance is down.
func unevenView(count: Int) -> ClusterView {
    let loads = (0..<count).map { i -> InstanceLoad in
        var load = InstanceLoad(id: InstanceID(i), buckets: 3, kvCapacityTokens: 26_560, maxBatchSize: 8)
        load.outstanding = 3 * i
        load.prefillCount = 2 * i
        load.prefillPromptTokens = 300 * i
        load.prefillUncachedTokens = 300 * i
        load.prefillByPromptBucket = [2 * i, 0, 0]
        load.decodeByBucket = [i, 0, 0]
        load.predictedDecodeTokens = Double(250 * i)
        load.decodeContextTokens = 500 * i
        load.kvUsage = Double(i % 10) / 10
        load.healthy = i != 1
        return load
    }
    return ClusterView(now: 0, instances: loads, routerQueueLength: 2, cost: .paperV100, buckets: .paper)
}

@Test func rlStateHasARowPerInstanceAndOneForHolding() {
    let view = unevenView(count: 5)
    let request = RequestInfo(
        id: RequestID(0),
        arrival: 0,
        promptTokens: 1024,
        predictedBucket: 2,
        predictedOutputTokens: 3000
    )
    let rows = RLState.rows(request, view)
    #expect(rows.count == 6)
    #expect(rows.allSatisfy { $0.count == RLState.rowSize })
    let k = RLState.instanceFeatureCount
    // The hold row has no instance features and the hold flag; instance rows do not.
    #expect(rows[5].prefix(k).allSatisfy { $0 == 0 } && rows[5].last == 1)
    #expect(rows[..<5].allSatisfy { $0.last == 0 })
    // Each row's second part is its features less their mean over the healthy instances (instance 1 is down);
    // the hold row's is minus that mean.
    let healthy = [0, 2, 3, 4].map { RLState.instanceFeatures(view.instances[$0], view) }
    for j in 0..<k {
        let mean = healthy.map { $0[j] }.reduce(0, +) / 4
        for i in 0..<5 { #expect(abs(rows[i][k + j] - (rows[i][j] - mean)) < 1e-6) }
        #expect(abs(rows[5][k + j] + mean) < 1e-6)
    }
    // Busier instances show more work: instance 4 has more requests in prefill and decode than instance 2.
    #expect(rows[4][0] > rows[2][0] && rows[4][2] > rows[2][2] && rows[4][6] > rows[2][6])
    #expect(rows[0][2 * k + 1] == 1)  // the predicted bucket, scaled to 0…1
}

@Test func batchedForwardEqualsRowByRow() {
    let network = DenseNetwork(sizes: RLPolicy.layerSizes, seed: 9)
    let view = unevenView(count: 6)
    let request = RequestInfo(
        id: RequestID(0),
        arrival: 0,
        promptTokens: 300,
        predictedBucket: 0,
        predictedOutputTokens: 90
    )
    let rows = RLState.rows(request, view)
    let batch = network.forward(batch: RLState.matrix(request, view), count: rows.count)
    let single = rows.flatMap { network.forward($0) }
    // The same sums in another order: equal up to float rounding.
    #expect(batch.count == single.count)
    for (a, b) in zip(batch, single) { #expect(abs(a - b) < 1e-5) }
    var agent = DoubleDQN(sizes: RLPolicy.layerSizes, seed: 9)
    agent.online = network
    let prior: [Float] = (0..<7).map { -Float($0) / 60 }
    for p in [[], prior] {
        let folded = RLState.folded(request, view, for: network)
        let fold = agent.qValues(matrix: folded.rows, rows: 7, prior: p, firstLayer: folded.firstLayer)
        for (a, b) in zip(fold, agent.qValues(rows, prior: p)) { #expect(abs(a - b) < 1e-5) }
        let fast = agent.qValues(matrix: RLState.matrix(request, view), rows: 7, prior: p)
        let slow = agent.qValues(rows, prior: p)
        #expect(fast.count == 7)
        for (a, b) in zip(fast, slow) { #expect(abs(a - b) < 1e-5) }
        let all = [Bool](repeating: true, count: 7)
        #expect(DoubleDQN.greedy(fast, mask: all) == DoubleDQN.greedy(slow, mask: all))
    }
}

@Test func theNetworkScoresArePermutedWithTheInstances() {
    let network = DenseNetwork(sizes: RLPolicy.layerSizes, seed: 7)
    var policy = RLPolicy(variant: .baseline, network: network)
    let view = unevenView(count: 7)
    let request = RequestInfo(
        id: RequestID(0),
        arrival: 0,
        promptTokens: 700,
        predictedBucket: 1,
        predictedOutputTokens: 400
    )
    let scores = policy.route(request, in: view).scores
    let permutation = [3, 6, 0, 5, 1, 4, 2]
    var shuffled = view
    shuffled.instances = permutation.map { view.instances[$0] }
    let permuted = policy.route(request, in: shuffled).scores
    #expect(scores.count == 7 && permuted.count == 7)
    for (position, original) in permutation.enumerated() {
        #expect(abs(permuted[position] - scores[original]) < 1e-5, "instance \(original)")  // float sums reordered
    }
    // The scores differ between instances (the network reads their loads), so the check above is not vacuous.
    #expect(Set(scores.map { ($0 * 1e6).rounded() }).count > 3)
}

@Test func shippedRouterWeightsLoadAndRouteAnyClusterSize() throws {
    for variant in RLPolicy.Variant.allCases {
        let model = try #require(RLModelFile.shipped(variant: variant.rawValue), "\(variant)")
        #expect(model.trainedInstances.count >= 1)
        #expect(model.command.contains("train router"))
        for instances in [2, 4, 5, 8, 16, 64] {
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
}

@Test func malformedRouterModelFileNamesTheProblem() throws {
    let path = NSTemporaryDirectory() + "bad-rl-\(getpid()).json"
    try Data(#"{"variant":"rl"}"#.utf8).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
        _ = try RLModelFile.load(from: path)
        Issue.record("expected an error")
    } catch {
        #expect("\(error)".contains(path) && "\(error)".contains("'trained_instances'"))
    }
}
