using ColumnCrypto.Configuration;

namespace ColumnCrypto.DependencyInjection;

/// <summary>
/// A place <c>AddColumnCrypto</c> reads the settings from (a YAML file, an <c>IConfiguration</c> section). It is read
/// when the options are first built (at host start, through <c>ValidateOnStart</c>), not when services are registered.
/// </summary>
internal abstract class ColumnCryptoOptionsSource
{
    /// <summary>Binds the source's settings into <paramref name="options"/>; binding errors throw <see cref="ColumnCryptoConfigurationException"/>.</summary>
    public abstract void Bind(ColumnCryptoOptions options, SettingSchema schema, IServiceProvider services);
}
