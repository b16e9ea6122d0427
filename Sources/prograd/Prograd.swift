// The `prograd` executable: argument parsing and wiring only.
import ArgumentParser
import Foundation

@main
struct Prograd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prograd",
        abstract: "ProGrad Workbench: zero-shot CLIP, CoOp and ProGrad prompt tuning on the CPU.",
        subcommands: [
            RunCommand.self,
            SplitCommand.self,
            ExportCommand.self,
            InterpretCommand.self,
            BenchCommand.self,
            TokenizeCommand.self,
        ]
    )
}
