import FerryCore
import Foundation

/// Decides whether a verified push is stale for one workload: its commit is behind what is
/// live, so deploying it would roll the workload back. The threat is an old body, still
/// correctly signed, sent again under a new delivery id (the signature covers the body, not
/// the delivery id header), or a push of a commit the branch has since left.
///
/// The webhook must be answered within seconds and the workload may have no checkout with
/// history (builds fetch one commit, `--depth 1`), so this does not ask git. It judges from
/// what Ferry itself recorded from verified senders, in this order:
/// 1. A push marked forced by the sender (GitHub's `forced: true`) is never stale: someone
///    moved the branch on purpose, maybe back to an older commit. GitLab, Gitea and Forgejo do
///    not mark force pushes; deploy such a reset by hand (`ferry run NAME deploy`).
/// 2. The live commit itself, or a workload with nothing live, is never stale.
/// 3. A commit that was live before and has been replaced since (a deploy record) is stale.
/// 4. A commit some later verified push on the same binding and ref started from (`before`),
///    or deleted the ref from, is stale: the branch moved on from it, fast-forward or forced.
/// 5. A commit whose sender-reported timestamp is older than the live commit's (from the
///    delivery that named it) is stale. Commit times are written by whoever made the commit,
///    so this only orders pushes roughly; it is the fallback when 3 and 4 know nothing, and a
///    push it wrongly holds back can be deployed by hand.
/// Rules 4 and 5 compare only pushes of the same repository (the sender's `repository`), since
/// one binding may carry several (a Composer repository built from many git repositories).
/// Records age out with retention, so very old replays may fall through to rule 5 only.
///
/// The history is read only when rule 2 does not settle it: a push of the commit that is
/// already live (every re-delivery of the newest push) costs no store read at all.
final class StalePushCheck {
    private let load: () throws -> [Event]
    private var loaded: [Event]?

    /// `history`: recent git-push events, newest first (not the delivery being judged), read
    /// at most once, when a rule needs them.
    init(history: @escaping () throws -> [Event]) { load = history }

    private var history: [Event] {
        get throws {
            if let loaded { return loaded }
            let events = try load()
            loaded = events
            return events
        }
    }

    /// Why `push` must not deploy, or nil when it may. `deploys` (the workload's deploy
    /// records) is read only when a rule needs it.
    func reason(
        commit: String, bindingID: String, payload: JSONValue, liveRevision: String?, deploys: () throws -> [Deploy]
    ) throws -> String? {
        if payload["forced"] == .bool(true) { return nil }
        guard let live = liveRevision, live != commit else { return nil }
        let deploys = try deploys()
        let history = try self.history
        let short = String(commit.prefix(12))
        let liveShort = String(live.prefix(12))
        if deploys.contains(where: { $0.revision?.id == commit }) {
            return "commit \(short) was live before and has been replaced by \(liveShort)"
        }
        let ref = payload["ref"]?.stringValue
        // One binding may carry pushes of several repositories (a Composer repository built from
        // many): a ref or a commit time says something only about pushes of the same repository.
        let repository = payload["repository"]?.stringValue
        func sameRepository(_ event: Event) -> Bool {
            guard let repository, let other = event.payload["repository"]?.stringValue else { return true }
            return other == repository
        }
        let movedOn = history.first { event in
            event.outcome != .refused && event.bindingID == bindingID && event.payload["ref"]?.stringValue == ref
                && event.payload["before"]?.stringValue == commit && sameRepository(event)
        }
        if let movedOn {
            let name = ref.map(Self.shortRef) ?? "the ref"
            return "\(name) has moved on from commit \(short) (delivery \(movedOn.deliveryID ?? movedOn.id)); \(liveShort) is live"
        }
        if let pushed = Self.date(payload["commit_timestamp"]?.stringValue),
            let liveTime = history.lazy.compactMap({
                $0.payload["commit"]?.stringValue == live && sameRepository($0) ? Self.date($0.payload["commit_timestamp"]?.stringValue) : nil
            }).first,
            pushed < liveTime
        {
            return "commit \(short) is older than the live commit \(liveShort) (by the times the sender reported)"
        }
        return nil
    }

    static func shortRef(_ ref: String) -> String {
        for prefix in ["refs/heads/", "refs/tags/"] where ref.hasPrefix(prefix) { return String(ref.dropFirst(prefix.count)) }
        return ref
    }

    /// An ISO 8601 time as senders write it (`2018-06-29T19:34:13+05:30`, maybe with fractions).
    static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
