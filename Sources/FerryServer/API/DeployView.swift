import FerryCore
import FerryStore

/// A deploy as the API and the UI show it. A promotion also names where its build came from
/// (the parent stage, that stage's deploy, build and revision), so "what is live in production
/// and which staging deploy was it" is answered without walking the history by hand.
struct DeployView: Encodable {
    struct Origin: Encodable {
        var workload: String
        var deployID: String
        var buildID: String
        var revision: Revision?
    }

    let deploy: Deploy
    let promotedFrom: Origin?

    private enum Keys: String, CodingKey { case promotedFrom }

    func encode(to encoder: any Encoder) throws {
        try deploy.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(promotedFrom, forKey: .promotedFrom)
    }

    /// One lookup per distinct parent deploy; a parent deploy that no longer exists leaves
    /// `fromDeployID` alone without an origin.
    static func list(_ deploys: [Deploy], database: FerryDatabase) throws -> [DeployView] {
        var parents: [String: Deploy?] = [:]
        return try deploys.map { deploy in
            guard let parentID = deploy.fromDeployID else { return DeployView(deploy: deploy, promotedFrom: nil) }
            if parents[parentID] == nil { parents[parentID] = .some(try database.deploy(parentID)) }
            let origin = (parents[parentID] ?? nil).map {
                Origin(workload: $0.workload, deployID: $0.id, buildID: $0.buildID, revision: $0.revision)
            }
            return DeployView(deploy: deploy, promotedFrom: origin)
        }
    }
}
