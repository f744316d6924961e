using ColumnCrypto.Wrapping;

namespace ColumnCrypto.Configuration;

/// <summary>
/// A ColumnCrypto plugin: one section <c>plugins.&lt;name&gt;</c> of the configuration, its settings and rules, and
/// the key wrapper it provides when its <c>isKms</c> is true. A plugin package registers its definition on the builder
/// <c>AddColumnCrypto</c> returns (<see cref="DependencyInjection.ColumnCryptoBuilder.AddPlugin"/>), by convention
/// from an extension method named after the section (<c>myKms</c> → <c>AddMyKms()</c>). Derive from
/// <see cref="ColumnCryptoPlugin{TOptions}"/> rather than implementing this interface directly.
/// </summary>
/// <remarks>
/// <para>The core binds the section from every configuration source (YAML, <c>IConfiguration</c>) through
/// <see cref="Settings"/>, into the object <see cref="CreateOptions"/> returns, kept in
/// <see cref="ColumnCryptoOptions.Plugins"/> under <see cref="Name"/>. <c>plugin</c> and <c>isKms</c> are the core's:
/// do not list them in <see cref="Settings"/>.</para>
/// <para>Validation runs, however the options were built: each setting's own rule, then <see cref="CheckRules"/>.</para>
/// </remarks>
public interface IColumnCryptoPlugin
{
    /// <summary>The section name under <c>plugins:</c>, and the value its <c>plugin</c> setting must have, for example <c>myKms</c>.</summary>
    string Name { get; }

    /// <summary>The settings of the section other than <c>plugin</c> and <c>isKms</c>, with paths relative to <c>plugins.&lt;name&gt;</c>.</summary>
    ColumnCryptoSettings Settings { get; }

    /// <summary>A new options object with the plugin's defaults, for the core to bind the section into.</summary>
    /// <returns>An instance of the plugin's options type.</returns>
    ColumnCryptoPluginOptions CreateOptions();

    /// <summary>
    /// Checks the rules that span the plugin's settings (for example "keyId is required when isKms is true"), after
    /// each setting's own rule. Reports through <paramref name="problems"/>, with paths relative to the section.
    /// </summary>
    /// <param name="options">The plugin's options, as bound and configured.</param>
    /// <param name="problems">Where problems are reported, and how settings are named in messages.</param>
    void CheckRules(ColumnCryptoPluginOptions options, ConfigurationProblems problems);

    /// <summary>
    /// Creates the key wrapper that wraps new data keys, when this plugin's <c>isKms</c> is true. Called once per
    /// container, after validation; the plugin owns (and disposes) what it creates.
    /// </summary>
    /// <param name="options">The plugin's own options.</param>
    /// <param name="services">The application's services (logging, metrics, the plugin's own registrations).</param>
    /// <returns>The wrapper.</returns>
    IKeyWrapper CreateKeyWrapper(ColumnCryptoPluginOptions options, IServiceProvider services);
}
