import ArgumentParser

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the response-length predictor or the RL router.",
        subcommands: [TrainRouterCommand.self]
    )
}
