// swift-tools-version: 6.1
// loomsim: a deterministic discrete-event simulation and capacity-planning testbed.
// Dependency direction (top imports below, never upward), see DESIGN.md §2:
//   loomsim (CLI) → Conformance, QueueingValidation, RealMode → Resilience → SimKernel → CGSL
import PackageDescription

let package = Package(
    name: "loomsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "loomsim", targets: ["loomsim"]),
        .library(name: "SimKernel", targets: ["SimKernel"]),
        .library(name: "Resilience", targets: ["Resilience"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // C libraries found through pkg-config, installed by scripts/setup.sh.
        .systemLibrary(
            name: "CGSL", pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(
            name: "CFFmpeg", pkgConfig: "libavformat libavcodec libswscale libavutil",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]),

        // Time, event queue, runtime contract, random streams, trace digest.
        .target(
            name: "SimKernel",
            dependencies: [
                "CGSL",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]),
        // Pure policies: value types and state machines that take `now` and return decisions.
        .target(
            name: "Resilience",
            dependencies: [
                "SimKernel",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                "Yams",
            ]),
        // The platform's services and infrastructure as simulation models, on the runtime contract.
        .target(
            name: "LoomServices",
            dependencies: [
                "SimKernel", "Resilience",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]),
        // Scenario files: YAML schema, validation with file:line:column errors, load profiles, fault timelines, SLOs.
        .target(name: "ScenarioKit", dependencies: ["SimKernel", "Yams"]),
        // Queueing models with closed forms, used to validate the kernel (`loomsim check queueing`).
        .target(
            name: "QueueingValidation",
            dependencies: ["SimKernel", .product(name: "DequeModule", package: "swift-collections")]),
        // Runs scenarios: builds the platform per replication, drives workloads and faults,
        // evaluates SLOs across replications and hands the results to Reporting.
        .target(name: "ScenarioRunner", dependencies: ["ScenarioKit", "LoomServices", "Reporting", "SimKernel"]),
        // The wall-clock runtime and the real backends (SQLite store, libav, GPUs).
        .target(
            name: "RealMode",
            dependencies: [
                "SimKernel", "LoomServices", "CFFmpeg",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        // Results of runs: SQLite results database, HTML/Markdown/JSON/JUnit reports, charts, trace export.
        .target(
            name: "Reporting",
            dependencies: ["SimKernel", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["README-conventions.md", "RESULTS-SCHEMA.md"]),
        // Upstream conformance cases (Kubernetes HPA, Resilience4j) run against Resilience.
        .target(name: "Conformance", dependencies: ["Resilience", "SimKernel"]),
        .executableTarget(
            name: "loomsim",
            dependencies: [
                "SimKernel", "Resilience", "QueueingValidation", "RealMode", "Conformance", "ScenarioKit", "Reporting", "LoomServices", "ScenarioRunner",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "SimKernelTests", dependencies: ["SimKernel", "QueueingValidation"]),
        .testTarget(name: "RealModeTests", dependencies: ["RealMode", "SimKernel", "LoomServices"]),
        .testTarget(name: "ResilienceTests", dependencies: ["Resilience", "SimKernel"]),
        .testTarget(name: "QueueingValidationTests", dependencies: ["QueueingValidation", "SimKernel"]),
        .testTarget(name: "LoomServicesTests", dependencies: ["LoomServices", "SimKernel", "Resilience"]),
        .testTarget(name: "ScenarioKitTests", dependencies: ["ScenarioKit", "SimKernel"], exclude: ["Fixtures"]),
        .testTarget(name: "ScenarioRunnerTests", dependencies: ["ScenarioRunner", "ScenarioKit", "LoomServices"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "SimKernel"]),
        .testTarget(name: "ConformanceTests", dependencies: ["Conformance"], exclude: ["Fixtures"]),
        .testTarget(name: "LoomsimCLITests", dependencies: ["loomsim"]),
    ]
)
