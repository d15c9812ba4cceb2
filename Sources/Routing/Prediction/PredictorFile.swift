import Foundation
import SwitchyardCore

/// A ``HashedNGramPredictor`` as JSON on disk: the bucket scheme, the feature configuration and the weights.
///
/// Weights are base64: explicit weights as little-endian Float32, hashed weights as one signed byte per weight with
/// a Float scale per class (`hashed_scales`, written as decimals that convert back to the same Float). A 2^18-row,
/// 3-class model is about 1 MB, and it loads back to exactly the same predictions.
struct PredictorFile: Codable {
    static let formatName = "switchyard-length-predictor"
    static let currentVersion = 1

    var format: String
    var version: Int
    var model: String
    var bucketBounds: [Int]
    var bucketMeans: [Double]
    var features: FeatureConfig
    var explicitWeights: String
    var hashedScales: [Double]
    var hashedWeights: String
    var provenance: PredictorProvenance?

    enum CodingKeys: String, CodingKey {
        case format, version, model, features, provenance
        case bucketBounds = "bucket_bounds"
        case bucketMeans = "bucket_means"
        case explicitWeights = "explicit_weights"
        case hashedScales = "hashed_scales"
        case hashedWeights = "hashed_weights"
    }

    init(_ predictor: HashedNGramPredictor) {
        format = Self.formatName
        version = Self.currentVersion
        model = predictor.name
        bucketBounds = predictor.buckets.bounds
        bucketMeans = predictor.bucketMeans
        features = predictor.features
        explicitWeights = Self.base64(predictor.explicitWeights)
        hashedScales = predictor.hashedScales.map(Double.init)
        hashedWeights = predictor.hashedCodes.withUnsafeBytes { Data($0).base64EncodedString() }
        provenance = predictor.provenance
    }

    /// Checks every field and builds the predictor.
    /// - Parameter file: the name used in errors.
    /// - Returns: the predictor the file describes.
    /// - Throws: ``PredictorFileError`` naming the first invalid field.
    func predictor(file: String) throws -> HashedNGramPredictor {
        func invalid(_ field: String, _ reason: String) -> PredictorFileError {
            .invalidField(file, field: field, reason: reason)
        }
        guard format == Self.formatName else {
            throw invalid("format", "must be '\(Self.formatName)', got '\(format)'")
        }
        guard version == Self.currentVersion else {
            throw invalid("version", "must be \(Self.currentVersion), got \(version)")
        }
        guard model == "ngram-logreg" else { throw invalid("model", "must be 'ngram-logreg', got '\(model)'") }
        guard !bucketBounds.isEmpty, bucketBounds.allSatisfy({ $0 > 0 }),
            zip(bucketBounds, bucketBounds.dropFirst()).allSatisfy({ $0 < $1 })
        else { throw invalid("bucket_bounds", "must be positive and ascending, got \(bucketBounds)") }
        let classes = bucketBounds.count + 1
        guard bucketMeans.count == classes, bucketMeans.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw invalid("bucket_means", "must hold \(classes) finite non-negative numbers, got \(bucketMeans.count)")
        }
        if let (field, reason) = features.firstInvalidField() { throw invalid("features.\(field)", reason) }
        guard let explicitData = Data(base64Encoded: explicitWeights) else {
            throw invalid("explicit_weights", "is not base64")
        }
        let explicitCount = features.explicitRows * classes
        guard explicitData.count == explicitCount * 4 else {
            throw invalid(
                "explicit_weights",
                "must hold \(explicitCount) Float32 values, got \(explicitData.count) bytes"
            )
        }
        let explicit = Self.floats(explicitData)
        guard explicit.allSatisfy(\.isFinite) else { throw invalid("explicit_weights", "holds a NaN or infinity") }
        guard hashedScales.count == classes, hashedScales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw invalid("hashed_scales", "must hold \(classes) positive numbers, got \(hashedScales)")
        }
        guard let hashedData = Data(base64Encoded: hashedWeights) else {
            throw invalid("hashed_weights", "is not base64")
        }
        let hashedCount = features.hashedRows * classes
        guard hashedData.count == hashedCount else {
            throw invalid("hashed_weights", "must hold \(hashedCount) bytes, got \(hashedData.count)")
        }
        return HashedNGramPredictor(
            buckets: BucketScheme(bounds: bucketBounds),
            features: features,
            bucketMeans: bucketMeans,
            explicitWeights: explicit,
            hashedCodes: hashedData.map { Int8(bitPattern: $0) },
            hashedScales: hashedScales.map { Float($0) },
            provenance: provenance
        )
    }

    private static func base64(_ values: [Float]) -> String {
        var data = Data(capacity: values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data.base64EncodedString()
    }

    private static func floats(_ data: Data) -> [Float] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 4).map { i in
            let bits =
                UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
            return Float(bitPattern: bits)
        }
    }
}
