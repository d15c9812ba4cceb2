import Emulator
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardCore

/// Fixtures shared by the emulator tests.
enum Fixture {
    static let model = EmulatorConfiguration.defaultModelName

    /// A fast instance of the default profile (50× real time).
    static func instance(speed: Double = 50, faults: FaultSettings = FaultSettings()) throws -> EmulatedInstance {
        let profile = try ProfileCatalog.profile(named: ProfileCatalog.defaultName)
        return try EmulatedInstance(
            configuration: EmulatorConfiguration(profile: profile, speed: speed, faults: faults)
        )
    }

    /// An instance that runs one request at a time with 10 ms iterations at real speed, so a second request waits.
    static func oneSeatInstance() throws -> EmulatedInstance {
        let profile = LatencyProfile(
            name: "one-seat",
            summary: "test",
            source: "test",
            derivation: [],
            cost: CostModel(fixed: 0.01, perPrefillToken: 0, perDecodeSequence: 0, perContextToken: 0),
            maxBatchSize: 1,
            maxBatchedTokens: 4096,
            blockSize: 16,
            kvBlocks: 1024,
            maxModelLen: 4096,
            chunkSize: 512
        )
        return try EmulatedInstance(configuration: EmulatorConfiguration(profile: profile, speed: 1))
    }

    static func application(_ instance: EmulatedInstance) -> some ApplicationProtocol {
        Application(router: EmulatorRouter.make(instance: instance))
    }

    static func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    static var jsonHeaders: HTTPFields { [.contentType: "application/json"] }

    /// Decodes a body as a JSON object.
    static func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
        return value as? [String: Any] ?? [:]
    }

    /// The `data:` payloads of a server-sent-event body, in order.
    static func events(_ buffer: ByteBuffer) -> [String] {
        String(buffer: buffer).components(separatedBy: "\n\n").compactMap { block in
            block.hasPrefix("data: ") ? String(block.dropFirst(6)) : nil
        }
    }

    /// Prometheus samples by name with labels (`name{labels}`) and by bare name for single-sample metrics.
    static func metrics(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            let key = String(line[..<space])
            samples[key] = value
            if let brace = key.firstIndex(of: "{") { samples[String(key[..<brace]), default: 0] += value }
        }
        return samples
    }
}
