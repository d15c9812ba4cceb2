/// Splits examples into training and test sets by group, so every example of a group lands on the same side.
///
/// Each group goes to the test set when a seeded hash of its name falls below `testFraction`: the split is stable
/// across runs and machines and does not depend on the examples' order, and the test share is close to, not exactly,
/// the fraction.
public enum GroupSplit {
    /// - Parameters:
    ///   - examples: the examples, in any order; each side keeps their order.
    ///   - testFraction: the expected share of groups in the test set, in 0...1.
    ///   - seed: changes which groups are held out.
    /// - Returns: the training and test examples.
    public static func split(
        _ examples: [TrainingExample],
        testFraction: Double,
        seed: UInt64
    ) -> (train: [TrainingExample], test: [TrainingExample]) {
        var train: [TrainingExample] = []
        var test: [TrainingExample] = []
        for example in examples {
            if isTest(group: example.group, testFraction: testFraction, seed: seed) {
                test.append(example)
            } else {
                train.append(example)
            }
        }
        return (train, test)
    }

    /// Whether a group is held out: a uniform number in [0, 1) from the group's hash and the seed.
    static func isTest(group: String, testFraction: Double, seed: UInt64) -> Bool {
        let hash = StableHash.mix(StableHash.fnv1a(group.utf8) ^ StableHash.mix(seed))
        return Double(hash >> 11) / Double(UInt64(1) << 53) < testFraction
    }
}
