namespace ColumnCrypto.Configuration;

/// <summary>
/// One thing wrong with the configuration: the dotted setting (when known) and a message that names it and says how
/// to fix it. The message never contains a secret's value.
/// </summary>
internal sealed record ConfigurationProblem(string? Setting, string Message)
{
    /// <summary>Turns the problem into the exception thrown for a configuration file, prefixed with <c>file:line:</c>.</summary>
    public ColumnCryptoConfigurationException ToException(string source, int? line, Exception? innerException = null)
    {
        var location = line is { } l ? $"{source}:{l}" : source;
        return new ColumnCryptoConfigurationException($"{location}: {Message}", source, line, Setting, innerException);
    }
}
