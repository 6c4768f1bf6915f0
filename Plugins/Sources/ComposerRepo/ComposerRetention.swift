import FerryCore
import Foundation

extension ComposerRepoSource {
    /// Raw install telemetry past `retention.telemetry` is folded into per-package day counts:
    /// the totals the browser shows stay exact while the raw rows stay bounded.
    public func prune(context: any RetentionContext) throws -> PruneCounts {
        guard let cutoff = context.policy.telemetry.cutoff(now: context.now) else { return [:] }
        let folded = try Telemetry(records: context.records).fold(before: cutoff)
        return folded == 0 ? [:] : ["telemetry": folded]
    }
}
