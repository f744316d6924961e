namespace ColumnCrypto.Configuration;

/// <summary>
/// Walks a configuration source's nodes (YAML or <c>IConfiguration</c>) and stores each setting in
/// <see cref="ColumnCryptoOptions"/> (or a plugin's options) through the <see cref="SettingSchema"/>, expanding
/// <c>${ENV_VAR}</c> references where the source has them. Rejects unknown, duplicate and wrongly typed settings at
/// once, naming them as the source does, and records each setting's line in the <see cref="SettingOrigin"/>.
/// </summary>
internal sealed class SettingsBinder(ColumnCryptoOptions options, SettingSchema schema, SettingOrigin origin)
{
    /// <summary>
    /// Binds <paramref name="root"/> into <paramref name="options"/>, which then remember <paramref name="origin"/>;
    /// a relative <c>masterKey.file</c> is resolved against <paramref name="baseDirectory"/> when one is given.
    /// </summary>
    public static void Bind(ColumnCryptoOptions options, SettingSchema schema, SettingOrigin origin, ConfigNode? root, string? baseDirectory)
    {
        new SettingsBinder(options, schema, origin).Bind(root);
        options.Source = origin.Source;
        options.Origin = origin;
        if (baseDirectory is not null)
        {
            options.MasterKey.ResolveFileAgainst(baseDirectory);
        }
    }

    /// <summary>Binds the document; a missing or null document leaves every default in place.</summary>
    public void Bind(ConfigNode? root)
    {
        switch (root)
        {
            case null:
            case ConfigScalar { IsNull: true }:
                return;
            case ConfigMapping mapping:
                BindSection(mapping, "");
                return;
            default:
                throw Fail(null, root.Line,
                    $"the configuration must be a mapping of sections such as 'schedule:' and 'plugins:', but is {root.KindDescription}. " +
                    $"Start the file with one of the sections {KnownNames("")}.");
        }
    }

    private void BindSection(ConfigMapping mapping, string sectionPath)
    {
        var firstLines = new Dictionary<string, int?>(StringComparer.Ordinal);
        var section = sectionPath.Length == 0 ? null : sectionPath;
        foreach (var (keyNode, valueNode) in mapping.Entries)
        {
            if (keyNode is not ConfigScalar key)
            {
                throw Fail(section, keyNode.Line,
                    $"a key {Where(sectionPath)} is {keyNode.KindDescription}. Keys must be plain names: {KnownNames(sectionPath)}.");
            }

            if (!SettingSchema.IsPlainName(key.Value))
            {
                throw Fail(section, key.Line,
                    $"a key {Where(sectionPath)} is not a setting name; it is not shown, as it may hold a value. " +
                    $"Check for a missing space after ':' or a missing line break. Allowed {Where(sectionPath)}: {KnownNames(sectionPath)}.");
            }

            var known = schema.FindChild(sectionPath, key.Value, origin.NameComparison);
            var path = ConfigurationProblems.Combine(sectionPath, known ?? key.Value);
            if (!firstLines.TryAdd(known ?? key.Value, key.Line))
            {
                var first = firstLines[known ?? key.Value] is { } firstLine ? $" (first on line {firstLine})" : "";
                throw Fail(path, key.Line,
                    $"{origin.Name(path)} is set twice{first}. Keep one of the two: a YAML mapping may not repeat a key.");
            }

            if (known is not null && schema.IsSection(path))
            {
                origin.RecordLine(path, key.Line);
                BindSectionValue(valueNode, path);
            }
            else if (known is not null && schema.FindSetting(path) is { } setting)
            {
                origin.RecordLine(path, valueNode.Line);
                BindSetting(setting, valueNode);
            }
            else
            {
                throw sectionPath == SettingSchema.PluginsSection
                    ? UnknownPlugin(key.Value, path, key.Line)
                    : UnknownKey(sectionPath, key.Value, path, key.Line);
            }
        }
    }

    private void BindSectionValue(ConfigNode node, string path)
    {
        switch (node)
        {
            case ConfigMapping mapping:
                BindSection(mapping, path);
                break;
            case ConfigScalar { IsNull: true }:
                // "schedule:" with nothing under it is an empty section, not a mistake worth failing for.
                break;
            default:
                // A section's value is never echoed: it might be a secret written at the wrong level.
                var name = path[(path.LastIndexOf('.') + 1)..];
                throw Fail(path, node.Line,
                    $"{origin.Name(path)} must be a section with its settings indented under '{name}:', but is {node.KindDescription}. " +
                    $"Settings allowed there: {KnownNames(path)}.");
        }
    }

    private void BindSetting(SchemaSetting entry, ConfigNode node)
    {
        var setting = entry.Setting;
        var name = origin.Name(entry.Path);
        if (node is not ConfigScalar scalar)
        {
            var shown = setting.IsSecret ? $"{node.KindDescription} (content {SecretValue.Redacted})" : node.KindDescription;
            throw Fail(entry.Path, node.Line, setting.Problem(name, shown));
        }

        var text = scalar.IsNull ? null : Expand(entry, scalar);
        if (!setting.TryAssign(entry.Target(options), text))
        {
            var shown = setting.Show(text);
            if (!setting.IsSecret && text is not null && text != scalar.Value)
            {
                shown += $" (from '{scalar.Value}')";
            }

            throw Fail(entry.Path, scalar.Line, setting.Problem(name, shown));
        }
    }

    private string Expand(SchemaSetting entry, ConfigScalar scalar)
    {
        if (origin.Expander is null)
        {
            return scalar.Value;
        }

        if (origin.Expander.TryExpand(scalar.Value, out var expanded, out var error, out var variable))
        {
            return expanded;
        }

        const string Escape = "Write '$${' for a literal '${'.";
        var name = origin.Name(entry.Path);
        var message = error switch
        {
            EnvironmentReferenceError.Missing =>
                $"{name} refers to the environment variable '{variable}', which is not set. " +
                $"Set it before the application starts, or change the reference. {Escape}",
            EnvironmentReferenceError.InvalidName when !entry.Setting.IsSecret =>
                $"{name} refers to '${{{variable}}}', which is not an environment variable name " +
                $"(letters, digits and '_', not starting with a digit). {Escape}",
            EnvironmentReferenceError.InvalidName =>
                $"{name} has a '${{...}}' reference ({SecretValue.Redacted}) that is not an environment variable name " +
                $"(letters, digits and '_', not starting with a digit). {Escape}",
            _ =>
                $"{name} has a '${{' without a closing '}}'. Write ${{NAME}} to use the environment variable NAME. {Escape}",
        };
        throw Fail(entry.Path, scalar.Line, message);
    }

    private ColumnCryptoConfigurationException UnknownKey(string sectionPath, string name, string path, int? line)
    {
        var suggestion = SettingNameSuggestion.FindClosest(name, schema.ChildNames(sectionPath)) is { } sibling
            ? $" Did you mean '{sibling}'?"
            : ElsewhereSuggestion(name, path);
        var what = sectionPath.Length == 0 ? $"'{name}' is not a known section" : $"{origin.Name(path)} is not a known setting";
        return Fail(path, line,
            $"{what}.{suggestion} Allowed {Where(sectionPath)}: {KnownNames(sectionPath)}{origin.NamesNote}.");
    }

    // A section under plugins: is a plugin's; a name no registered plugin has is a missing registration (or a typo).
    private ColumnCryptoConfigurationException UnknownPlugin(string name, string path, int? line)
    {
        var registered = schema.ChildNames(SettingSchema.PluginsSection);
        var suggestion = SettingNameSuggestion.FindClosest(name, registered) is { } close ? $" Did you mean '{close}'?" : "";
        return Fail(path, line, ColumnCryptoOptionsRules.NotRegistered(name, origin.Name(path), registered, suggestion, origin.NamesNote));
    }

    // A known name at the wrong level, e.g. 'dataKeyRollOverLength' at the top instead of under 'schedule'.
    private string ElsewhereSuggestion(string name, string path)
    {
        var elsewhere = schema.AllPaths.FirstOrDefault(known =>
            known != path && string.Equals(known[(known.LastIndexOf('.') + 1)..], name, StringComparison.OrdinalIgnoreCase));
        return elsewhere is null ? "" : $" Did you mean '{origin.Name(elsewhere)}'? Move it there.";
    }

    private string Where(string sectionPath) => sectionPath.Length == 0 ? origin.TopLevel : $"under '{origin.Name(sectionPath)}'";

    private string KnownNames(string sectionPath) => string.Join(", ", schema.ChildNames(sectionPath));

    private ColumnCryptoConfigurationException Fail(string? setting, int? line, string message) =>
        origin.ToException(new ConfigurationProblem(setting, message), line);
}
