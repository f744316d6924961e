namespace ColumnCrypto;

/// <summary>The base class of every error ColumnCrypto raises. Messages never contain key material or secrets.</summary>
public class ColumnCryptoException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ColumnCryptoException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public ColumnCryptoException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public ColumnCryptoException() { }
}

/// <summary>Configuration is invalid: the message names the file, line and setting, and how to fix it.</summary>
public sealed class ColumnCryptoConfigurationException : ColumnCryptoException
{
    /// <summary>Creates the exception.</summary>
    public ColumnCryptoConfigurationException(string message, string? source = null, int? line = null, string? setting = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Source = source;
        Line = line;
        Setting = setting;
    }

    /// <summary>Creates the exception.</summary>
    public ColumnCryptoConfigurationException() { }

    /// <summary>Creates the exception.</summary>
    public ColumnCryptoConfigurationException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ColumnCryptoConfigurationException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The configuration file, when known.</summary>
    public new string? Source { get; }

    /// <summary>The 1-based line in <see cref="Source"/>, when known.</summary>
    public int? Line { get; }

    /// <summary>The dotted setting path, for example <c>schedule.dataKeyRollOverLength</c>, when known.</summary>
    public string? Setting { get; }
}
