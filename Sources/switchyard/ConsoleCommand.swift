import ArgumentParser

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the live operator console on a simulated cluster."
    )

    @OptionGroup var cluster: ClusterOptions

    func run() async throws {
        throw ValidationError("The console is being wired in; use `switchyard bench` meanwhile.")
    }
}
