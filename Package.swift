// swift-tools-version: 6.1
import PackageDescription
import Foundation

/// Release builds optimise across the stage modules: the hot path (bytes to records to figures)
/// crosses them, and generic parsing code must be specialised where it is called.
let optimise: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "caseload",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "caseload", targets: ["caseload"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CXLSXWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        .target(name: "CCaseload"),
        .target(name: "CaseloadCore", dependencies: ["CCaseload"], swiftSettings: optimise),
        .target(
            name: "Ingest",
            dependencies: ["CaseloadCore", "CCaseload", "CLibXML2", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: optimise
        ),
        .target(name: "Validate", dependencies: ["CaseloadCore"], swiftSettings: optimise),
        .target(name: "Aggregate", dependencies: ["CaseloadCore", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: optimise),
        .target(name: "Emit", dependencies: ["CaseloadCore", "CCaseload", "CXLSXWriter"], swiftSettings: optimise),
        .target(name: "Caseload", dependencies: ["CaseloadCore", "Ingest", "Validate", "Aggregate", "Emit", "CCaseload"], swiftSettings: optimise),
        .target(name: "Synth", dependencies: ["CaseloadCore"], swiftSettings: optimise),
        .target(
            name: "Warehouse",
            dependencies: [
                "CaseloadCore", "Emit", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .executableTarget(
            name: "caseload",
            dependencies: [
                "Caseload", "CaseloadCore", "Ingest", "Synth", "Emit", "Warehouse",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "CaseloadCoreTests", dependencies: ["CaseloadCore"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "CaseloadCore", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ValidateTests", dependencies: ["Validate", "CaseloadCore"]),
        .testTarget(name: "AggregateTests", dependencies: ["Aggregate", "CaseloadCore", "Synth", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "EmitTests", dependencies: ["Emit", "CaseloadCore"]),
        .testTarget(
            name: "CaseloadTests", dependencies: ["Caseload", "CaseloadCore", "CCaseload", "Ingest", "Validate", "Aggregate", "Emit", "Synth", "TestSupport"],
            resources: [.copy("Golden")]),
        .testTarget(name: "HostileTests", dependencies: ["TestSupport"], path: "Tests/Hostile"),
        .testTarget(name: "WarehouseTests", dependencies: ["TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// `make fuzz` builds with CASELOAD_FUZZ=1 and `-sanitize=fuzzer,address`: libFuzzer targets for
// the CSV reader, the XML reader and the judging of one file (Tests/Fuzz). They are not part of
// the ordinary build, which has no libFuzzer runtime to link them with.
if ProcessInfo.processInfo.environment["CASELOAD_FUZZ"] == "1" {
    package.targets += [
        .target(name: "FuzzSupport", path: "Tests/Fuzz/FuzzSupport"),
        .executableTarget(name: "FuzzCSV", dependencies: ["FuzzSupport", "Ingest", "CaseloadCore"], path: "Tests/Fuzz/FuzzCSV"),
        .executableTarget(name: "FuzzXML", dependencies: ["FuzzSupport", "Ingest", "CaseloadCore"], path: "Tests/Fuzz/FuzzXML"),
        .executableTarget(name: "FuzzJudge", dependencies: ["FuzzSupport", "Caseload", "CaseloadCore", "Emit", "Ingest"], path: "Tests/Fuzz/FuzzJudge"),
    ]
}
