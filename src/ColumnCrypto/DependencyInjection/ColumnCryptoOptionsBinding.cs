using ColumnCrypto.Configuration;
using Microsoft.Extensions.Options;

namespace ColumnCrypto.DependencyInjection;

/// <summary>
/// The first step in building <see cref="ColumnCryptoOptions"/>: binds the sources given to <c>AddColumnCrypto</c>
/// (or, with none, the registered configuration's <c>ColumnCrypto</c> section) through the schema of the registered
/// plugins. The <c>configure</c> callbacks run after it; validation after them.
/// </summary>
internal sealed class ColumnCryptoOptionsBinding(
    IEnumerable<ColumnCryptoOptionsSource> sources, IEnumerable<IColumnCryptoPlugin> plugins, IServiceProvider services)
    : IConfigureOptions<ColumnCryptoOptions>
{
    /// <inheritdoc />
    public void Configure(ColumnCryptoOptions options)
    {
        var schema = SettingSchema.For(plugins);
        var given = sources.ToList();
        foreach (var source in given.Count > 0 ? given : [ConfigurationOptionsSource.Registered])
        {
            source.Bind(options, schema, services);
        }
    }
}
