using ColumnCrypto.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ColumnCrypto.DependencyInjection;

/// <summary>
/// An <c>IConfiguration</c> section in the YAML file's shape (<c>ColumnCrypto:schedule:dataKeyRollOverLength</c>), so
/// appsettings.json, environment variables (<c>ColumnCrypto__schedule__dataKeyRollOverLength</c>) and user secrets
/// configure ColumnCrypto. Without a section given, the <c>ColumnCrypto</c> section of the application's registered
/// <c>IConfiguration</c>, when it has one.
/// </summary>
internal sealed class ConfigurationOptionsSource(IConfiguration? section) : ColumnCryptoOptionsSource
{
    /// <summary>The <c>ColumnCrypto</c> section of the registered <c>IConfiguration</c>, if any.</summary>
    public static ConfigurationOptionsSource Registered { get; } = new(null);

    /// <inheritdoc />
    public override void Bind(ColumnCryptoOptions options, SettingSchema schema, IServiceProvider services)
    {
        var registered = services.GetService<IConfiguration>();
        var configuration = section ?? registered?.GetSection(ColumnCryptoOptions.SectionName);
        if (configuration is null || ConfigurationSectionReader.Read(configuration) is not { } root)
        {
            return;
        }

        // Providers name where a value came from; a section does not expose its root, so use the application's
        // (the usual case: builder.Configuration.GetSection("ColumnCrypto")) when it is where the section lives.
        var path = (configuration as IConfigurationSection)?.Path ?? "";
        var providers = configuration as IConfigurationRoot
            ?? (registered is IConfigurationRoot app && (path.Length == 0 || app.GetSection(path).Exists()) ? app : null);
        var contentRoot = services.GetService<IHostEnvironment>()?.ContentRootPath;
        SettingsBinder.Bind(options, schema, new ConfigurationSettingOrigin(path, providers), root,
            string.IsNullOrEmpty(contentRoot) ? AppContext.BaseDirectory : contentRoot);
    }
}
