import Foundation
import Routing
import SwitchyardCore
import Workload

/// Reads the AlpacaEval model-outputs JSONL: one response per line, labelled by its Gemma 3 token count.
///
/// The generator is kept beside each example for the per-generator table, not as its hint: the ShareGPT model never
/// saw generators, and every generator answers the same instruction, so the examples carry no hint.
public enum AlpacaEvalFile {
    /// One response: the example and the model that wrote it.
    public struct Row: Sendable {
        public var generator: String
        public var example: TrainingExample
    }

    private struct Line: Decodable {
        var instruction: String
        var generator: String
        var instructionTokens: Int?
        var outputTokens: Int

        enum CodingKeys: String, CodingKey {
            case instruction, generator
            case instructionTokens = "instruction_tokens_gemma3"
            case outputTokens = "output_tokens_gemma3"
        }
    }

    /// The rows of the file; each example's group is its instruction.
    /// - Throws: ``TrainingDataError`` naming the file, and the line of a row that does not decode.
    public static func load(path: String) throws -> [Row] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw TrainingDataError("--alpaca: cannot read \(path): \(error.localizedDescription)")
        }
        let decoder = JSONDecoder()
        var rows: [Row] = []
        for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
            let row: Line
            do { row = try decoder.decode(Line.self, from: Data(line)) } catch {
                throw TrainingDataError("--alpaca: \(path) line \(number + 1) is not an AlpacaEval row: \(error)")
            }
            let example = TrainingExample(
                features: PromptFeatures(
                    promptTokens: max(1, row.instructionTokens ?? TokenEstimator.estimate(row.instruction)),
                    text: row.instruction
                ),
                outputTokens: row.outputTokens,
                group: row.instruction
            )
            rows.append(Row(generator: row.generator, example: example))
        }
        return rows
    }
}
