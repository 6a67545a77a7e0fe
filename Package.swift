// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "caseload",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "caseload", targets: ["caseload"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "CSystem"),
        .target(name: "CaseloadCore"),
        .target(
            name: "Ingest",
            dependencies: ["CaseloadCore", "CLibXML2", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "Validate", dependencies: ["CaseloadCore"]),
        .target(name: "Aggregate", dependencies: ["CaseloadCore"]),
        .target(name: "Emit", dependencies: ["CaseloadCore", "CSystem"]),
        .target(name: "Caseload", dependencies: ["CaseloadCore", "Ingest", "Validate", "Aggregate", "Emit"]),
        .target(name: "Synth", dependencies: ["CaseloadCore"]),
        .executableTarget(
            name: "caseload",
            dependencies: ["Caseload", "CaseloadCore", "Synth", "Emit",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "CaseloadCoreTests", dependencies: ["CaseloadCore"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "CaseloadCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ValidateTests", dependencies: ["Validate", "CaseloadCore"]),
        .testTarget(name: "AggregateTests", dependencies: ["Aggregate", "CaseloadCore", "Synth"]),
        .testTarget(name: "EmitTests", dependencies: ["Emit", "CaseloadCore"]),
        .testTarget(name: "CaseloadTests", dependencies: ["Caseload", "CaseloadCore", "Ingest", "Validate", "Aggregate", "Emit", "Synth"],
                    resources: [.copy("Golden")]),
    ],
    swiftLanguageModes: [.v6]
)
