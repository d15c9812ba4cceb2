import Foundation

/// A trained DQN router on disk: the network plus how it was made.
public struct RLModelFile: Sendable, Codable {
    public var variant: String
    public var instances: Int
    public var profile: String
    public var workload: String
    public var episodes: Int
    public var seed: UInt64
    /// The exact command that produced the file.
    public var command: String
    public var network: DenseNetwork

    public init(
        variant: String,
        instances: Int,
        profile: String,
        workload: String,
        episodes: Int,
        seed: UInt64,
        command: String,
        network: DenseNetwork
    ) {
        self.variant = variant
        self.instances = instances
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
        guard sizes.first == RLState.size(instances: file.instances),
            sizes.last == file.instances + (file.variant == "rl" ? 2 : 1),
            file.network.weights.count == sizes.count - 1,
            zip(file.network.weights, zip(sizes, sizes.dropFirst())).allSatisfy({ $0.count == $1.0 * $1.1 })
        else {
            throw RLModelError(
                description: "RL model file \(path): field 'network' does not fit \(file.instances) instances."
            )
        }
        return file
    }

    /// The shipped model for a variant and instance count, if one ships.
    public static func shipped(variant: String, instances: Int) -> RLModelFile? {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Models/\(variant)-\(instances).json") else {
            return nil
        }
        return try? load(from: url.path)
    }
}

/// An error reading an RL model file.
public struct RLModelError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
