using Microsoft.Extensions.Options;

namespace ColumnCrypto.Configuration;

/// <summary>
/// Validates <see cref="ColumnCryptoOptions"/> however they were built (a YAML file, <c>IConfiguration</c>, code, or
/// all of them) with the rules of the core and of the registered plugins. Messages name the setting as its source does,
/// with the file and line (YAML) or the provider (<c>IConfiguration</c>); options built in code name the dotted setting.
/// </summary>
internal sealed class ColumnCryptoOptionsValidator(IEnumerable<IColumnCryptoPlugin> plugins) : IValidateOptions<ColumnCryptoOptions>
{
    private readonly SettingSchema _schema = SettingSchema.For(plugins);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ColumnCryptoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = ColumnCryptoOptionsRules.Check(options, _schema);
        if (problems.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(problems.Select(p => options.Origin is { } origin ? origin.ToException(p).Message : p.Message));
    }
}
