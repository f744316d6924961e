namespace ColumnCrypto.Configuration;

/// <summary>
/// Walks a parsed configuration document and stores each setting in <see cref="ColumnCryptoOptions"/> through
/// <see cref="ColumnCryptoSettingTable"/>, expanding <c>${ENV_VAR}</c> references. Rejects unknown, duplicate and
/// wrongly typed settings at once, and remembers each setting's line so later rule violations can name it.
/// </summary>
internal sealed class YamlSettingsBinder
{
    private readonly ColumnCryptoOptions _options;
    private readonly string _source;
    private readonly EnvironmentReferenceExpander _expander;
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    public YamlSettingsBinder(ColumnCryptoOptions options, string source, Func<string, string?> getEnvironmentVariable)
    {
        _options = options;
        _source = source;
        _expander = new EnvironmentReferenceExpander(getEnvironmentVariable);
    }

    /// <summary>Binds the document; a missing or null document leaves every default in place.</summary>
    public void Bind(YamlConfigNode? root)
    {
        switch (root)
        {
            case null:
            case YamlConfigScalar { IsNull: true }:
                return;
            case YamlConfigMapping mapping:
                BindSection(mapping, "");
                return;
            default:
                throw Fail(null, root.Line,
                    $"the configuration must be a mapping of sections such as 'schedule:' and 'plugins:', but is {root.KindDescription}. " +
                    $"Start the file with one of the sections {KnownNames("")}.");
        }
    }

    /// <summary>
    /// The line of <paramref name="setting"/>, or of its closest enclosing section that the file contains
    /// (for a setting that is missing); null when none of it is in the file.
    /// </summary>
    public int? LineOf(string? setting)
    {
        for (var path = setting; !string.IsNullOrEmpty(path); path = path[..Math.Max(path.LastIndexOf('.'), 0)])
        {
            if (_lines.TryGetValue(path, out var line))
            {
                return line;
            }
        }

        return null;
    }

    private void BindSection(YamlConfigMapping mapping, string sectionPath)
    {
        var firstLines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Entries)
        {
            if (keyNode is not YamlConfigScalar key)
            {
                throw Fail(sectionPath.Length == 0 ? null : sectionPath, keyNode.Line,
                    $"a key {Where(sectionPath)} is {keyNode.KindDescription}. Keys must be plain names: {KnownNames(sectionPath)}.");
            }

            if (!ColumnCryptoSettingTable.IsPlainName(key.Value))
            {
                throw Fail(sectionPath.Length == 0 ? null : sectionPath, key.Line,
                    $"a key {Where(sectionPath)} is not a setting name; it is not shown, as it may hold a value. " +
                    $"Check for a missing space after ':' or a missing line break. Allowed {Where(sectionPath)}: {KnownNames(sectionPath)}.");
            }

            var path = sectionPath.Length == 0 ? key.Value : $"{sectionPath}.{key.Value}";
            if (firstLines.TryGetValue(key.Value, out var firstLine))
            {
                throw Fail(path, key.Line,
                    $"{path} is set twice (first on line {firstLine}). Keep one of the two: a YAML mapping may not repeat a key.");
            }

            firstLines.Add(key.Value, key.Line);
            if (ColumnCryptoSettingTable.IsSection(path))
            {
                _lines[path] = key.Line;
                BindSectionValue(valueNode, path);
            }
            else if (ColumnCryptoSettingTable.FindSetting(path) is { } setting)
            {
                _lines[path] = valueNode.Line;
                BindSetting(setting, valueNode);
            }
            else
            {
                throw UnknownKey(sectionPath, key.Value, path, key.Line);
            }
        }
    }

    private void BindSectionValue(YamlConfigNode node, string path)
    {
        switch (node)
        {
            case YamlConfigMapping mapping:
                BindSection(mapping, path);
                break;
            case YamlConfigScalar { IsNull: true }:
                // "schedule:" with nothing under it is an empty section, not a mistake worth failing for.
                break;
            default:
                // A section's value is never echoed: it might be a secret written at the wrong level.
                var name = path[(path.LastIndexOf('.') + 1)..];
                throw Fail(path, node.Line,
                    $"{path} must be a section with its settings indented under '{name}:', but is {node.KindDescription}. " +
                    $"Settings allowed there: {KnownNames(path)}.");
        }
    }

    private void BindSetting(ColumnCryptoSetting setting, YamlConfigNode node)
    {
        if (node is not YamlConfigScalar scalar)
        {
            var shown = setting.IsSecret ? $"{node.KindDescription} (content {SecretValue.Redacted})" : node.KindDescription;
            throw Fail(setting.Problem(shown), node.Line);
        }

        var text = scalar.IsNull ? null : Expand(setting, scalar);
        if (!setting.TryAssign(_options, text))
        {
            var shown = setting.Show(text);
            if (!setting.IsSecret && text is not null && text != scalar.Value)
            {
                shown += $" (from '{scalar.Value}')";
            }

            throw Fail(setting.Problem(shown), scalar.Line);
        }
    }

    private string Expand(ColumnCryptoSetting setting, YamlConfigScalar scalar)
    {
        if (_expander.TryExpand(scalar.Value, out var expanded, out var error, out var variable))
        {
            return expanded;
        }

        const string Escape = "Write '$${' for a literal '${'.";
        var message = error switch
        {
            EnvironmentReferenceError.Missing =>
                $"{setting.Path} refers to the environment variable '{variable}', which is not set. " +
                $"Set it before the application starts, or change the reference. {Escape}",
            EnvironmentReferenceError.InvalidName when !setting.IsSecret =>
                $"{setting.Path} refers to '${{{variable}}}', which is not an environment variable name " +
                $"(letters, digits and '_', not starting with a digit). {Escape}",
            EnvironmentReferenceError.InvalidName =>
                $"{setting.Path} has a '${{...}}' reference ({SecretValue.Redacted}) that is not an environment variable name " +
                $"(letters, digits and '_', not starting with a digit). {Escape}",
            _ =>
                $"{setting.Path} has a '${{' without a closing '}}'. Write ${{NAME}} to use the environment variable NAME. {Escape}",
        };
        throw Fail(setting.Path, scalar.Line, message);
    }

    private ColumnCryptoConfigurationException UnknownKey(string sectionPath, string name, string path, int line)
    {
        var suggestion = SettingNameSuggestion.FindClosest(name, ColumnCryptoSettingTable.ChildNames(sectionPath)) is { } sibling
            ? $" Did you mean '{sibling}'?"
            : ElsewhereSuggestion(name, path);
        var note = ColumnCryptoSettingTable.UnknownKeyNote(sectionPath) is { } text ? $" {text}" : "";
        var what = sectionPath.Length == 0 ? $"'{name}' is not a known section" : $"{path} is not a known setting";
        return Fail(path, line,
            $"{what}.{suggestion}{note} Allowed {Where(sectionPath)}: {KnownNames(sectionPath)} (names are case-sensitive).");
    }

    // A known name at the wrong level, e.g. 'dataKeyRollOverLength' at the top instead of under 'schedule'.
    private static string ElsewhereSuggestion(string name, string path)
    {
        var elsewhere = ColumnCryptoSettingTable.AllPaths.FirstOrDefault(known =>
            known != path && string.Equals(known[(known.LastIndexOf('.') + 1)..], name, StringComparison.OrdinalIgnoreCase));
        return elsewhere is null ? "" : $" Did you mean '{elsewhere}'? Move it there.";
    }

    private static string Where(string sectionPath) => sectionPath.Length == 0 ? "at the top level" : $"under '{sectionPath}'";

    private static string KnownNames(string sectionPath) => string.Join(", ", ColumnCryptoSettingTable.ChildNames(sectionPath));

    private ColumnCryptoConfigurationException Fail(string? setting, int line, string message) =>
        new ConfigurationProblem(setting, message).ToException(_source, line);

    private ColumnCryptoConfigurationException Fail(ConfigurationProblem problem, int line) => problem.ToException(_source, line);
}
