// swift-tools-version:6.0
import PackageDescription

// ProGrad Workbench: CLIP prompt tuning on the CPU (the methods are declared in Sources/Engine/Methods).
// Layers, left never imports right: system libraries → Engine → Experiments → TUI → prograd.
let optimize: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

let package = Package(
    name: "ProGradWorkbench",
    products: [
        .executable(name: "prograd", targets: ["prograd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses",
                       providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CImage", path: "Sources/CImage",
                       providers: [.apt(["libjpeg-dev", "libpng-dev"])]),
        // JPEG/PNG decoding in C: the libraries' setjmp/longjmp error handling must not cross Swift frames.
        .target(name: "CImageCodec", dependencies: ["CImage"],
                linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16")]),
        .target(name: "Engine", dependencies: ["CBLAS", "CImage", "CImageCodec"],
                swiftSettings: optimize),
        .target(name: "Experiments",
                dependencies: ["Engine", .product(name: "GRDB", package: "GRDB.swift")],
                swiftSettings: optimize),
        .target(name: "TUI", dependencies: ["Experiments", "CNcurses"]),
        .executableTarget(name: "prograd",
                          dependencies: ["Engine", "Experiments", "TUI",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "EngineTests", dependencies: ["Engine"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Engine"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "Experiments"], exclude: ["Snapshots"]),
        .testTarget(name: "ProgradTests", dependencies: ["prograd", "TUI", "Experiments", "Engine"]),
    ],
    swiftLanguageModes: [.v5]
)
