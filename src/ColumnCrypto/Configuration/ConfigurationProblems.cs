namespace ColumnCrypto.Configuration;

/// <summary>
/// Where the rules that span settings report what is wrong (<see cref="IColumnCryptoPlugin.CheckRules"/>), and how
/// settings are named in their messages: as the dotted path (<c>plugins.myKms.keyId</c>) for YAML and code, or as the
/// configuration key (<c>ColumnCrypto:plugins:myKms:keyId</c>) for options bound from <c>IConfiguration</c>. Paths
/// are relative to the section being checked (a plugin's rules see <c>keyId</c>, not <c>plugins.myKms.keyId</c>).
/// </summary>
public sealed class ConfigurationProblems
{
    private readonly List<ConfigurationProblem> _problems;
    private readonly Func<string, string> _name;
    private readonly string _section;

    internal ConfigurationProblems(Func<string, string> name)
        : this([], name, "")
    {
    }

    private ConfigurationProblems(List<ConfigurationProblem> problems, Func<string, string> name, string section)
    {
        _problems = problems;
        _name = name;
        _section = section;
    }

    /// <summary>Every problem reported, in order.</summary>
    internal IReadOnlyList<ConfigurationProblem> All => _problems;

    /// <summary>The setting at <paramref name="path"/> as its source names it; <c>""</c> names the section itself.</summary>
    /// <param name="path">The dotted path relative to the section, for example <c>keyId</c>.</param>
    /// <returns>For example <c>plugins.myKms.keyId</c>.</returns>
    public string Name(string path) => _name(Combine(_section, path));

    /// <summary>Reports that the setting at <paramref name="path"/> is wrong.</summary>
    /// <param name="path">The dotted path relative to the section; its file line or provider locates the problem.</param>
    /// <param name="message">
    /// A complete message that names the setting (with <see cref="Name"/>) and says how to fix it. It must never contain a
    /// secret's value.
    /// </param>
    public void Add(string path, string message)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        _problems.Add(new ConfigurationProblem(Combine(_section, path), message));
    }

    /// <summary>The same problems, for the rules of the section at <paramref name="section"/>.</summary>
    internal ConfigurationProblems For(string section) => new(_problems, _name, Combine(_section, section));

    internal static string Combine(string section, string path) =>
        section.Length == 0 ? path : path.Length == 0 ? section : $"{section}.{path}";
}
