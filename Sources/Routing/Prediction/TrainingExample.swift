/// One labelled prompt for training or evaluating a length predictor.
///
/// `group` names what must not be split between training and test (a ShareGPT conversation, an AlpacaEval
/// instruction): near-duplicates in one group would otherwise leak the answer into the test set.
public struct TrainingExample: Sendable, Equatable {
    public var features: PromptFeatures
    /// The true response length in tokens: the label.
    public var outputTokens: Int
    public var group: String

    public init(features: PromptFeatures, outputTokens: Int, group: String) {
        self.features = features
        self.outputTokens = outputTokens
        self.group = group
    }
}
