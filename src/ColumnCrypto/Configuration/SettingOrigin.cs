namespace ColumnCrypto.Configuration;

/// <summary>
/// Where bound settings came from, and so how messages name and locate them: a YAML file names dotted paths at a line,
/// <c>IConfiguration</c> names configuration keys from a provider. The binder records each setting's line here; the
/// options keep their origin, so a rule broken later (by validation) is reported as the source would report it.
/// </summary>
internal abstract class SettingOrigin
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    /// <summary>The source as a whole, for <see cref="ColumnCryptoOptions.Source"/> and messages.</summary>
    public abstract string Source { get; }

    /// <summary>How keys are compared to setting names.</summary>
    public abstract StringComparison NameComparison { get; }

    /// <summary>"at the top level" in the source's words.</summary>
    public abstract string TopLevel { get; }

    /// <summary>Appended to the list of allowed names, when the source's names are case-sensitive.</summary>
    public virtual string NamesNote => "";

    /// <summary>Expands <c>${ENV_VAR}</c> references in values; null when the source does not have them.</summary>
    public virtual EnvironmentReferenceExpander? Expander => null;

    /// <summary>The setting at the dotted <paramref name="path"/> as the source names it.</summary>
    public abstract string Name(string path);

    /// <summary>Remembers the line a setting or section was read from.</summary>
    public void RecordLine(string path, int? line)
    {
        if (line is { } l)
        {
            _lines[path] = l;
        }
    }

    /// <summary>
    /// The line of <paramref name="setting"/>, or of its closest enclosing section that the source contains
    /// (for a setting that is missing); null when none of it is there, or the source has no lines.
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

    /// <summary>The exception for <paramref name="problem"/> at <paramref name="line"/>, naming the source and the setting.</summary>
    public ColumnCryptoConfigurationException ToException(ConfigurationProblem problem, int? line, Exception? innerException = null)
    {
        var (source, setting) = Locate(problem.Setting);
        return new ConfigurationProblem(setting, problem.Message).ToException(source, line, innerException);
    }

    /// <summary>The exception for a rule broken after binding, located at its setting's line.</summary>
    public ColumnCryptoConfigurationException ToException(ConfigurationProblem problem) => ToException(problem, LineOf(problem.Setting));

    /// <summary>The part of the source that holds the setting at <paramref name="path"/>, and the setting's name there.</summary>
    protected abstract (string Source, string? Setting) Locate(string? path);
}
