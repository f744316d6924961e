using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Configuration;

/// <summary>
/// The base of a plugin whose options are a <typeparamref name="TOptions"/>: it implements
/// <see cref="IColumnCryptoPlugin"/> with typed members, so a plugin declares its settings with
/// <see cref="ColumnCryptoSettings{TOptions}"/> and never casts.
/// </summary>
/// <example>
/// <code>
/// public sealed class VaultOptions : ColumnCryptoPluginOptions { public string? Address { get; set; } }
///
/// internal sealed class VaultPlugin() : ColumnCryptoPlugin&lt;VaultOptions&gt;("vault")
/// {
///     public override ColumnCryptoSettings&lt;VaultOptions&gt; Settings { get; } = new ColumnCryptoSettings&lt;VaultOptions&gt;()
///         .Text("address", "an https URL", "Set it to the Vault server.", o =&gt; o.Address, (o, v) =&gt; o.Address = v);
///
///     protected override void CheckRules(VaultOptions options, ConfigurationProblems problems)
///     {
///         if (options.IsKms &amp;&amp; options.Address is null)
///             problems.Add("address", $"{problems.Name("address")} is missing, but {problems.Name("isKms")} is true. Set it to the Vault server.");
///     }
///
///     protected override IKeyWrapper CreateKeyWrapper(VaultOptions options, IServiceProvider services) =&gt; new VaultKeyWrapper(options);
/// }
///
/// public static ColumnCryptoBuilder AddVault(this ColumnCryptoBuilder builder) =&gt; builder.AddPlugin(new VaultPlugin());
/// </code>
/// </example>
/// <typeparam name="TOptions">The plugin's options type.</typeparam>
public abstract class ColumnCryptoPlugin<TOptions> : IColumnCryptoPlugin
    where TOptions : ColumnCryptoPluginOptions, new()
{
    /// <summary>Creates the plugin.</summary>
    /// <param name="name">The section name under <c>plugins:</c>, for example <c>myKms</c>.</param>
    protected ColumnCryptoPlugin(string name)
    {
        if (string.IsNullOrEmpty(name) || !SettingSchema.IsPlainName(name))
        {
            throw new ArgumentException($"'{name}' is not a plugin name: use letters, digits, '_' and '-', not starting with a digit.", nameof(name));
        }

        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The settings of the section other than <c>plugin</c> and <c>isKms</c>.</summary>
    public abstract ColumnCryptoSettings<TOptions> Settings { get; }

    ColumnCryptoSettings IColumnCryptoPlugin.Settings => Settings;

    /// <inheritdoc />
    public ColumnCryptoPluginOptions CreateOptions() => new TOptions();

    void IColumnCryptoPlugin.CheckRules(ColumnCryptoPluginOptions options, ConfigurationProblems problems) =>
        CheckRules(Typed(options), problems);

    IKeyWrapper IColumnCryptoPlugin.CreateKeyWrapper(ColumnCryptoPluginOptions options, IServiceProvider services) =>
        CreateKeyWrapper(Typed(options), services);

    /// <summary>Checks the rules that span the plugin's settings; none by default.</summary>
    /// <param name="options">The plugin's options, as bound and configured.</param>
    /// <param name="problems">Where problems are reported, with paths relative to the section.</param>
    protected virtual void CheckRules(TOptions options, ConfigurationProblems problems)
    {
    }

    /// <summary>Creates the key wrapper used when the plugin's <c>isKms</c> is true.</summary>
    /// <param name="options">The plugin's own options.</param>
    /// <param name="services">The application's services.</param>
    /// <returns>The wrapper.</returns>
    protected abstract IKeyWrapper CreateKeyWrapper(TOptions options, IServiceProvider services);

    private TOptions Typed(ColumnCryptoPluginOptions options) => options as TOptions ?? throw new ArgumentException(
        $"plugins.{Name} holds {options?.GetType().Name ?? "null"}, but the {Name} plugin's options are {typeof(TOptions).Name}.", nameof(options));
}
