/// How a saved predictor was made: the command, the data and what it scored on its held-out split.
///
/// Kept in the model file so a shipped model documents itself; prediction never reads it.
public struct PredictorProvenance: Sendable, Equatable, Codable {
    /// The exact command line that trained the model.
    public var command: String
    /// The training data, as given to the command.
    public var data: String
    public var trainExamples: Int
    public var testExamples: Int
    public var seed: UInt64
    public var epochs: Int
    /// Held-out accuracy, in 0...1.
    public var heldOutAccuracy: Double
    /// Held-out macro-F1, in 0...1.
    public var heldOutMacroF1: Double
    /// Held-out mean absolute error of the token estimate.
    public var heldOutMAE: Double

    public init(
        command: String,
        data: String,
        trainExamples: Int,
        testExamples: Int,
        seed: UInt64,
        epochs: Int,
        heldOutAccuracy: Double,
        heldOutMacroF1: Double,
        heldOutMAE: Double
    ) {
        self.command = command
        self.data = data
        self.trainExamples = trainExamples
        self.testExamples = testExamples
        self.seed = seed
        self.epochs = epochs
        self.heldOutAccuracy = heldOutAccuracy
        self.heldOutMacroF1 = heldOutMacroF1
        self.heldOutMAE = heldOutMAE
    }

    enum CodingKeys: String, CodingKey {
        case command, data, seed, epochs
        case trainExamples = "train_examples"
        case testExamples = "test_examples"
        case heldOutAccuracy = "held_out_accuracy"
        case heldOutMacroF1 = "held_out_macro_f1"
        case heldOutMAE = "held_out_mae"
    }
}
