namespace ColumnCrypto.Configuration;

/// <summary>Settings read from a YAML file: dotted, case-sensitive names at a line, with <c>${ENV_VAR}</c> references.</summary>
internal sealed class YamlSettingOrigin(string source, Func<string, string?> getEnvironmentVariable) : SettingOrigin
{
    /// <inheritdoc />
    public override string Source { get; } = source;

    /// <inheritdoc />
    public override StringComparison NameComparison => StringComparison.Ordinal;

    /// <inheritdoc />
    public override string TopLevel => "at the top level";

    /// <inheritdoc />
    public override string NamesNote => " (names are case-sensitive)";

    /// <inheritdoc />
    public override EnvironmentReferenceExpander Expander { get; } = new(getEnvironmentVariable);

    /// <inheritdoc />
    public override string Name(string path) => path;

    /// <inheritdoc />
    protected override (string Source, string? Setting) Locate(string? path) => (Source, path);
}
