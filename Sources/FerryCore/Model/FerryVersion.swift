/// The release this build of Ferry is, shown by `ferry version`, `ferry --version` and
/// `/api/health`, so an operator can tell a client and a server apart when they disagree.
public enum FerryVersion {
    public static let current = "0.9.0"
}
