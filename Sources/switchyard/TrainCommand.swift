import ArgumentParser

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the response-length predictor or the RL router.",
        subcommands: [TrainPredictorCommand.self, TrainRouterCommand.self]
    )
}
