using Microsoft.Extensions.Configuration;

namespace ColumnCrypto.Configuration;

/// <summary>
/// Settings read from an <c>IConfiguration</c> section: named by their configuration key
/// (<c>ColumnCrypto:schedule:dataKeyRollOverLength</c>), case-insensitive as configuration keys are, and located at the
/// provider that supplied them (the JSON file, the environment variables, user secrets) when the configuration root is known.
/// </summary>
internal sealed class ConfigurationSettingOrigin(string sectionPath, IConfigurationRoot? root) : SettingOrigin
{
    /// <inheritdoc />
    public override string Source { get; } = sectionPath.Length == 0 ? "the configuration" : $"configuration section '{sectionPath}'";

    /// <inheritdoc />
    public override StringComparison NameComparison => StringComparison.OrdinalIgnoreCase;

    /// <inheritdoc />
    public override string TopLevel => sectionPath.Length == 0 ? "at the top level" : $"directly under '{sectionPath}'";

    /// <inheritdoc />
    public override string Name(string path) =>
        ConfigurationPath.Combine(path.Split('.', StringSplitOptions.RemoveEmptyEntries).Prepend(sectionPath).Where(p => p.Length > 0));

    /// <inheritdoc />
    protected override (string Source, string? Setting) Locate(string? path)
    {
        var key = Name(path ?? "");

        // The setting, else its closest enclosing section, from the provider that wins (the last one that has it).
        for (var at = path ?? ""; ; at = at[..Math.Max(at.LastIndexOf('.'), 0)])
        {
            if (ProviderOf(Name(at)) is { } provider)
            {
                return (provider.ToString() ?? Source, key);
            }

            if (at.Length == 0)
            {
                return (Source, key);
            }
        }
    }

    private IConfigurationProvider? ProviderOf(string key) =>
        root?.Providers.Reverse().FirstOrDefault(p => p.TryGet(key, out _) || p.GetChildKeys([], key).Any());
}
