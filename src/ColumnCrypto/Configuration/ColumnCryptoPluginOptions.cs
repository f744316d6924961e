namespace ColumnCrypto.Configuration;

/// <summary>
/// The options of one plugin section, <c>plugins.&lt;name&gt;</c>. Every plugin's options type derives from this class:
/// the product documentation puts <c>plugin</c> and <c>isKms</c> in every plugin section, and the core reads them to
/// pick the key management service.
/// </summary>
public abstract class ColumnCryptoPluginOptions
{
    /// <summary>The plugin the section is for (<c>plugin</c>); when set, it must be the section's name.</summary>
    public string? Plugin { get; set; }

    /// <summary>
    /// Whether this plugin is the key management service that wraps data keys (<c>isKms</c>). At most one plugin may
    /// say so; with none, the local master key wraps them.
    /// </summary>
    public bool IsKms { get; set; }
}
