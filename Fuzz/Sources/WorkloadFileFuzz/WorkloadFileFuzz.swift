import ComposerRepoSource
import FerryCore
import FuzzDriver
import GitPushTrigger
import LogScanTrigger
import ManualTrigger
import NpmMirrorSource
import RegistryPollTrigger
import ScheduleTrigger

/// Workload files, YAML or JSON, one or many documents, as `ferry apply` and `POST /api/apply`
/// take them: parsed, then each document validated against the real plugins' schemas.
private let validator: WorkloadValidator = {
    var registry = PluginRegistry()
    registry.register(ComposerRepoSource())
    registry.register(NpmMirrorSource())
    registry.register(GitPushTrigger())
    registry.register(ScheduleTrigger())
    registry.register(LogScanTrigger())
    registry.register(RegistryPollTrigger())
    registry.register(ManualTrigger())
    return WorkloadValidator(registry: registry)
}()

/// The process entry point SwiftPM links as `main`; hands over to libFuzzer.
@_cdecl("WorkloadFileFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    ferry_fuzz_main(argc, argv)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let documents = try? WorkloadFile.parse(text, fileName: "fuzz.yaml") else { return 0 }
    for document in documents.prefix(8) { _ = try? validator.validate(document.value) }
    return 0
}
