namespace ColumnCrypto.Diagnostics;

/// <summary>The names under which ColumnCrypto reports to OpenTelemetry and other listeners.</summary>
public static class ColumnCryptoTelemetry
{
    /// <summary>The meter of every ColumnCrypto instrument (<c>ColumnCrypto</c>); add it with <c>AddMeter</c>.</summary>
    public const string MeterName = "ColumnCrypto";
}
