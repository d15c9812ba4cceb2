// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Switchyard",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "switchyard", targets: ["switchyard"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Pure modules: no NIO, no ncurses, no I/O in the logic.
        .target(name: "SwitchyardCore", swiftSettings: swiftSettings),
        .target(
            name: "Engine",
            dependencies: [
                "SwitchyardCore",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            resources: [.copy("Profiles")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Workload",
            dependencies: ["SwitchyardCore"],
            resources: [.copy("Samples")],
            swiftSettings: swiftSettings
        ),
        // The DQN network's one dense-layer kernel, in C so that it can use AVX where the processor has it.
        .target(name: "CDenseKernel"),
        .target(
            name: "Routing",
            dependencies: ["SwitchyardCore", "CDenseKernel"],
            resources: [.copy("Models")],
            swiftSettings: swiftSettings
        ),
        // Pure: the router's own bookkeeping, shared by the simulator and the live gateway.
        .target(name: "OpenAIWire", dependencies: ["SwitchyardCore"], swiftSettings: swiftSettings),
        .target(
            name: "RouterCore",
            dependencies: ["SwitchyardCore", "Routing", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Simulator",
            dependencies: [
                "SwitchyardCore", "Engine", "Routing", "Workload", "RouterCore",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Edges: files of training data for the length predictor.
        .target(name: "TrainingData", dependencies: ["SwitchyardCore", "Routing", "Workload"], swiftSettings: swiftSettings),
        // Edges: the real cluster.
        // Pure: the gateway's routing brain (ledger, policies, health, snapshots), metrics parsing, SSE scanning.
        .target(
            name: "Gateway",
            dependencies: [
                "SwitchyardCore", "Routing", "RouterCore",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // Edges: the gateway's HTTP front, backend client, scraper and load generator.
        .target(
            name: "GatewayServer",
            dependencies: [
                "SwitchyardCore", "Routing", "Workload", "Gateway", "RouterCore", "OpenAIWire", "Engine", "Simulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: swiftSettings
        ),
        // Generated once from Protos/ by Scripts/generate-protos.sh (Envoy's ext_proc v3, gRPC health); committed.
        .target(
            name: "ExtProcAPI",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        // Edges: the Envoy endpoint picker (GIE's ext_proc protocol) around the gateway's router and pool.
        .target(
            name: "EndpointPicker",
            dependencies: [
                "SwitchyardCore", "Routing", "Workload", "Gateway", "GatewayServer", "RouterCore", "OpenAIWire",
                "ExtProcAPI",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pure: fitting the engine model's coefficients to measurements (`switchyard calibrate`).
        .target(
            name: "Calibration",
            dependencies: ["SwitchyardCore", "Engine"],
            swiftSettings: swiftSettings
        ),
        // Edges: measuring a real server for the calibration.
        .target(
            name: "Calibrator",
            dependencies: [
                "Calibration", "Gateway", "RouterCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Emulator",
            dependencies: [
                "SwitchyardCore", "Engine", "Workload", "OpenAIWire",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // Edges: terminal.
        // ncursesw from Debian's libncurses-dev. No pkgConfig: SwiftPM would drop its -D flags with a warning;
        // shim.h defines them itself.
        .systemLibrary(name: "CNCurses"),
        .target(
            name: "Console",
            dependencies: [
                "SwitchyardCore", "CNCurses",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "switchyard",
            dependencies: [
                "SwitchyardCore", "Engine", "Workload", "Routing", "Simulator", "Console", "Emulator", "Gateway", "GatewayServer", "TrainingData",
                "EndpointPicker", "Calibration", "Calibrator", "RouterCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "SwitchyardBenchmarks",
            dependencies: ["SwitchyardCore", "Engine", "Workload", "Routing", "Simulator"],
            swiftSettings: swiftSettings
        ),
        // Gateway overhead against calling an emulated instance directly, on loopback.
        .executableTarget(
            name: "GatewayBenchmark",
            dependencies: [
                "Gateway", "GatewayServer", "Emulator", "Engine", "Routing", "SwitchyardCore", "RouterCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SwitchyardCoreTests", dependencies: ["SwitchyardCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RouterCoreTests",
            dependencies: ["RouterCore", "SwitchyardCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EngineTests", dependencies: ["Engine"], swiftSettings: swiftSettings),
        .testTarget(name: "WorkloadTests", dependencies: ["Workload"], swiftSettings: swiftSettings),
        .testTarget(name: "RoutingTests", dependencies: ["Routing", "CDenseKernel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SimulatorTests",
            dependencies: ["Simulator", "Engine", "Routing", "Workload"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TrainingDataTests", dependencies: ["TrainingData", "Routing"], swiftSettings: swiftSettings),
        .testTarget(name: "OpenAIWireTests", dependencies: ["OpenAIWire"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RouterEquivalenceTests",
            dependencies: ["Simulator", "Gateway", "Routing", "RouterCore", "Engine", "SwitchyardCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: ["Gateway", "Routing", "SwitchyardCore", "RouterCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayServerTests",
            dependencies: [
                "GatewayServer", "Gateway", "Emulator", "Engine", "SwitchyardCore", "RouterCore", "Routing",
                "Calibration", "Calibrator", "Simulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CalibrationTests",
            dependencies: ["Calibration", "Engine", "SwitchyardCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EmulatorTests",
            dependencies: [
                "Emulator", "SwitchyardCore", "SwitchyardTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SwitchyardTestSupport",
            dependencies: ["SwitchyardCore"],
            path: "Tests/SwitchyardTestSupport",
            swiftSettings: swiftSettings
        ),
        // The console over a fake backend in a real terminal, for TerminalTests to drive in tmux (not a test).
        .executableTarget(
            name: "console-test-child",
            dependencies: ["Console", "SwitchyardTestSupport"],
            path: "Tests/ConsoleTestChild",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConsoleTests",
            // console-test-child: so that `swift test` alone builds the program TerminalTests runs in tmux.
            dependencies: ["Console", "SwitchyardTestSupport", "console-test-child"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndpointPickerTests",
            dependencies: [
                "EndpointPicker", "ExtProcAPI", "GatewayServer", "Gateway", "SwitchyardCore", "SwitchyardTestSupport",
                "switchyard",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchyardCLITests",
            dependencies: ["switchyard", "SwitchyardTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
