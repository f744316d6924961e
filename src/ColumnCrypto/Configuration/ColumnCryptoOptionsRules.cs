namespace ColumnCrypto.Configuration;

/// <summary>
/// The rules a complete <see cref="ColumnCryptoOptions"/> must meet, however it was built (YAML, <c>IConfiguration</c>,
/// code): each setting's own rule from the <see cref="SettingSchema"/> (and no documentation placeholder such as
/// <c>&lt;your key id&gt;</c> left in a text setting), then the rules that span settings: the core's
/// for every plugin section (registered, <c>plugin</c> present when <c>isKms</c>, one KMS at most) and each plugin's own.
/// </summary>
internal static class ColumnCryptoOptionsRules
{
    /// <summary>Every problem with <paramref name="options"/>; empty when the options are valid.</summary>
    public static IReadOnlyList<ConfigurationProblem> Check(ColumnCryptoOptions options, SettingSchema schema)
    {
        ArgumentNullException.ThrowIfNull(options);
        var origin = options.Origin;
        var problems = new ConfigurationProblems(path => origin?.Name(path) ?? path);
        CheckSettings(options, schema.CoreSettings, problems);

        string? kms = null;
        foreach (var (name, plugin) in options.Plugins)
        {
            var section = SettingSchema.PluginSection(name);
            if (schema.FindPlugin(name) is not { } definition)
            {
                problems.Add(section, NotRegistered(name, problems.Name(section), [.. schema.Plugins.Select(p => p.Name)]));
                continue;
            }

            CheckSettings(options, schema.SettingsOf(definition), problems);
            var own = problems.For(section);
            CheckPluginSection(name, plugin, own);
            definition.CheckRules(plugin, own);
            if (plugin.IsKms && kms is not null)
            {
                own.Add("isKms",
                    $"{own.Name("isKms")} and {problems.Name(SettingSchema.PluginSection(kms) + ".isKms")} are both true, but one key " +
                    "management service wraps the data keys. Set isKms to false in every plugin section but one.");
            }

            kms ??= plugin.IsKms ? name : null;
        }

        return problems.All;
    }

    /// <summary>The message for a plugin section no registered plugin has.</summary>
    public static string NotRegistered(string name, string shownSection, IReadOnlyList<string> registered, string suggestion = "", string namesNote = "")
    {
        var method = "Add" + char.ToUpperInvariant(name[0]) + name[1..];
        var known = registered.Count == 0 ? "none" : string.Join(", ", registered);
        return $"{shownSection}: no ColumnCrypto plugin named '{name}' is registered.{suggestion} To use it, add the plugin's package and " +
               $"call its registration method, by convention .{method}(), on the builder AddColumnCrypto returns; otherwise remove the " +
               $"section. Registered plugins: {known}{namesNote}.";
    }

    private static void CheckSettings(ColumnCryptoOptions options, IEnumerable<SchemaSetting> settings, ConfigurationProblems problems)
    {
        foreach (var entry in settings)
        {
            if (entry.FindTarget(options) is not { } target)
            {
                continue;
            }

            if (!entry.Setting.Check(target, out var shown))
            {
                problems.Add(entry.Path, entry.Setting.Problem(problems.Name(entry.Path), shown));
            }
            else if (entry.Setting.IsPlaceholder(target))
            {
                problems.Add(entry.Path, entry.Setting.PlaceholderProblem(problems.Name(entry.Path), shown));
            }
        }
    }

    // The documentation's two fields of every plugin section: a KMS names its plugin.
    private static void CheckPluginSection(string name, ColumnCryptoPluginOptions plugin, ConfigurationProblems problems)
    {
        if (plugin.IsKms && plugin.Plugin is null)
        {
            problems.Add("plugin",
                $"{problems.Name("plugin")} is missing, but {problems.Name("isKms")} is true. " +
                $"Add 'plugin: {name}' under {problems.Name("")}, as in the documentation.");
        }
    }
}
