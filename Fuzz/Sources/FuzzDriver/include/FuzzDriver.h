#ifndef FERRY_FUZZ_DRIVER_H
#define FERRY_FUZZ_DRIVER_H

/// Runs libFuzzer on the harness's `LLVMFuzzerTestOneInput`, as libFuzzer's own `main` would.
///
/// SwiftPM links every executable with `--defsym main=<Module>_main` (so tests can link
/// executables), which leaves libFuzzer's `main` unused; each harness therefore exports
/// `<Module>_main` and calls this.
int ferry_fuzz_main(int argc, char **argv);

#endif
