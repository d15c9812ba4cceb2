import Foundation

/// Saves and loads ``HashedNGramPredictor`` model files, including the ones that ship in the Routing bundle.
///
/// Two models ship in `Models/`, so the default product predicts without `../shared`:
/// `predictor-sharegpt.json` (prompt text and length, trained on ShareGPT) and `predictor-azure.json` (prompt
/// length and service hint `code` or `conv`, trained on the Azure 2023 traces); `Models/README.md` gives the
/// commands that made them.
public enum PredictorStore {
    /// The shipped model for prompts with text.
    public static let shareGPTModel = "predictor-sharegpt"
    /// The shipped model for size-only traces, with the service as the hint.
    public static let azureModel = "predictor-azure"

    /// Loads a shipped model by name (without `.json`).
    /// - Throws: ``PredictorFileError`` when it is missing from the bundle or malformed.
    public static func loadShipped(_ name: String = shareGPTModel) throws -> HashedNGramPredictor {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent("Models/\(name).json"),
            FileManager.default.fileExists(atPath: url.path)
        else { throw PredictorFileError.missingShipped(name) }
        return try load(from: url.path)
    }

    /// Loads a model file.
    /// - Throws: ``PredictorFileError`` naming the file, and the field when one is malformed.
    public static func load(from path: String) throws -> HashedNGramPredictor {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw PredictorFileError.unreadable(path, detail: error.localizedDescription)
        }
        return try decode(data, fileName: path)
    }

    /// Decodes a model file held in memory.
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - fileName: the name used in errors.
    /// - Returns: the predictor the file describes.
    /// - Throws: ``PredictorFileError`` naming the field at fault.
    public static func decode(_ data: Data, fileName: String) throws -> HashedNGramPredictor {
        let file: PredictorFile
        do { file = try JSONDecoder().decode(PredictorFile.self, from: data) } catch let error as DecodingError {
            throw describe(error, fileName: fileName)
        } catch {
            throw PredictorFileError.notJSON(fileName, detail: "\(error)")
        }
        return try file.predictor(file: fileName)
    }

    /// The model file's bytes: JSON with sorted keys, so the same model always makes the same file.
    public static func encode(_ predictor: HashedNGramPredictor) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(PredictorFile(predictor))
    }

    /// Writes a model file.
    /// - Throws: ``PredictorFileError`` when the file cannot be written.
    public static func save(_ predictor: HashedNGramPredictor, to path: String) throws {
        do { try encode(predictor).write(to: URL(fileURLWithPath: path)) } catch {
            throw PredictorFileError.unwritable(path, detail: "\(error)")
        }
    }

    /// Maps a decoding failure to the field it concerns (`features.hash_bits` for a nested one).
    private static func describe(_ error: DecodingError, fileName: String) -> PredictorFileError {
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            (context.codingPath + (key.map { [$0] } ?? [])).map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .missingField(fileName, field: path(context, key))
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            guard !context.codingPath.isEmpty else {
                return .notJSON(fileName, detail: "the top level is not an object")
            }
            return .invalidField(fileName, field: path(context), reason: "is not of type \(type)")
        case .dataCorrupted(let context):
            guard !context.codingPath.isEmpty else {
                return .notJSON(fileName, detail: context.debugDescription)
            }
            return .invalidField(fileName, field: path(context), reason: "is malformed: \(context.debugDescription)")
        @unknown default:
            return .notJSON(fileName, detail: "\(error)")
        }
    }
}
