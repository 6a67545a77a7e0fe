// What the three fuzz targets share: starting libFuzzer (each target also exports its test as
// `LLVMFuzzerTestOneInput`, which the runtime links against). SwiftPM gives an executable module
// its own `main` (which runs the module's top-level code), so each target's top-level code
// hands its test function to libFuzzer's driver, which is linked in by `-sanitize=fuzzer`.

public typealias FuzzTest = @convention(c) (UnsafePointer<UInt8>, Int) -> Int32

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ test: FuzzTest
) -> Int32

/// Runs libFuzzer with the process's arguments; never returns.
public func runFuzzer(_ test: FuzzTest) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    let rc = LLVMFuzzerRunDriver(&argc, &argv, test)
    exit(rc)
}

@_silgen_name("exit")
private func exit(_ code: Int32) -> Never
