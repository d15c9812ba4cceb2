import Foundation

/// A trained DQN router on disk: the network plus how it was made. One network serves any number of instances
/// (``RLState``); `trainedInstances` says which cluster sizes it was trained on.
public struct RLModelFile: Sendable, Codable {
    public var variant: String
    public var trainedInstances: [Int]
    public var profile: String
    public var workload: String
    /// The training episode whose network this is (the one that did best on the validation window).
    public var episodes: Int
    public var seed: UInt64
    /// The exact command that produced the file.
    public var command: String
    public var network: DenseNetwork

    enum CodingKeys: String, CodingKey {
        case variant
        case trainedInstances = "trained_instances"
        case profile, workload, episodes, seed, command, network
    }

    public init(
        variant: String,
        trainedInstances: [Int],
        profile: String,
        workload: String,
        episodes: Int,
        seed: UInt64,
        command: String,
        network: DenseNetwork
    ) {
        self.variant = variant
        self.trainedInstances = trainedInstances
        self.profile = profile
        self.workload = workload
        self.episodes = episodes
        self.seed = seed
        self.command = command
        self.network = network
    }

    public func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    public static func load(from path: String) throws -> RLModelFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw RLModelError(description: "Cannot read RL model file \(path): \(error.localizedDescription)")
        }
        let file: RLModelFile
        do { file = try JSONDecoder().decode(RLModelFile.self, from: data) } catch let DecodingError.keyNotFound(key, _)
        {
            throw RLModelError(description: "RL model file \(path): field '\(key.stringValue)' is missing.")
        } catch {
            throw RLModelError(description: "RL model file \(path) is not a valid model: \(error)")
        }
        let sizes = file.network.sizes
        guard sizes.first == RLState.rowSize, sizes.last == 2,
            file.network.weights.count == sizes.count - 1,
            file.network.biases.count == sizes.count - 1,
            zip(file.network.weights, zip(sizes, sizes.dropFirst())).allSatisfy({ $0.count == $1.0 * $1.1 }),
            zip(file.network.biases, sizes.dropFirst()).allSatisfy({ $0.count == $1 })
        else {
            throw RLModelError(
                description:
                    "RL model file \(path): field 'network' is not a per-instance scorer (\(RLState.rowSize) inputs, 2 outputs); its layers are \(sizes)."
            )
        }
        return file
    }

    /// The shipped model for a variant, if one ships.
    public static func shipped(variant: String) -> RLModelFile? {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Models/\(variant).json") else {
            return nil
        }
        return try? load(from: url.path)
    }
}

/// An error reading an RL model file.
public struct RLModelError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
