import ComposerRepoSource
import FerryCore
import GitPushTrigger
import LogScanTrigger
import ManualTrigger
import NpmMirrorSource
import RegistryPollTrigger
import ScheduleTrigger
import StaticSiteSource

/// The composition root's one explicit list of plugins. Adding a source or trigger means adding
/// a line here; nothing registers itself.
public enum BuiltinPlugins {
    public static func registry() -> PluginRegistry {
        var registry = PluginRegistry()
        registry.register(StaticSiteSource())
        registry.register(ComposerRepoSource())
        registry.register(NpmMirrorSource())
        registry.register(ManualTrigger())
        registry.register(GitPushTrigger())
        registry.register(ScheduleTrigger())
        registry.register(RegistryPollTrigger())
        registry.register(LogScanTrigger())
        return registry
    }
}
