import ArgumentParser
import ScenarioKit
import ScenarioRunner

/// `loomsim validate FILE...`: every error of every file, at once.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files without running them.",
        discussion: """
            Reports every problem of every file at once, as FILE:LINE:COLUMN: error: <key path>: \
            <what is wrong>; <what is expected>. Exit status 0 when all files are valid, 2 otherwise.
            """)

    @Argument(help: ArgumentHelp("Scenario files.", valueName: "file")) var files: [String]

    func run() throws {
        let diagnostics = ScenarioLoader(sectionChecks: PlatformAssembly.sectionChecks).validate(paths: files)
        if report(diagnostics) { throw ExitCode.badInput }
        print("\(files.count) file\(files.count == 1 ? "" : "s") valid")
    }
}
