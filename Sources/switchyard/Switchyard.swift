import ArgumentParser

/// The `switchyard` command: an LLM-inference router with a live operator console.
@main
struct Switchyard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "Workload-aware routing for LLM serving clusters, with a live operator console.",
        discussion: """
            With no subcommand, opens the console on an embedded simulated cluster (bundled Azure conv sample, \
            4 instances).
            """,
        version: "0.1.0",
        subcommands: [
            ConsoleSubcommand.self, ReplayCommand.self, BenchCommand.self, TrainCommand.self, PoliciesCommand.self,
            ProfilesCommand.self, WorkloadsCommand.self, ServeCommand.self, EppCommand.self, TopCommand.self,
            CalibrateCommand.self,
            EmulateCommand.self,
        ],
        defaultSubcommand: ConsoleSubcommand.self
    )
}
