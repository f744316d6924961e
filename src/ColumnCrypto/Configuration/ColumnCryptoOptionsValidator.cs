using Microsoft.Extensions.Options;

namespace ColumnCrypto.Configuration;

/// <summary>
/// Validates <see cref="ColumnCryptoOptions"/> built in code (or changed after loading) with the same rules as the
/// YAML loader. Messages name the dotted setting; there is no file or line to name.
/// </summary>
internal sealed class ColumnCryptoOptionsValidator : IValidateOptions<ColumnCryptoOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ColumnCryptoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = ColumnCryptoOptionsRules.Check(options);
        return problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(problems.Select(p => p.Message));
    }
}
