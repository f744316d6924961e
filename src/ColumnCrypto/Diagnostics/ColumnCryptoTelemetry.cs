namespace ColumnCrypto.Diagnostics;

/// <summary>
/// The names under which ColumnCrypto reports to OpenTelemetry and other listeners: its meter, its activity source, and
/// the tag names its spans and instruments share (lowercase and dotted, after the OpenTelemetry semantic conventions;
/// none ever carries key material or a secret). Every instrument and span is listed in docs/observability.md.
/// </summary>
public static class ColumnCryptoTelemetry
{
    /// <summary>The meter of every ColumnCrypto instrument (<c>ColumnCrypto</c>); add it with <c>AddMeter</c>.</summary>
    public const string MeterName = "ColumnCrypto";

    /// <summary>The activity source of every ColumnCrypto span (<c>ColumnCrypto</c>); add it with <c>AddSource</c>.</summary>
    public const string ActivitySourceName = "ColumnCrypto";

    /// <summary>Tag: a data key version (<c>columncrypto.key.version</c>).</summary>
    public const string KeyVersionTag = "columncrypto.key.version";

    /// <summary>Tag: the provider that wraps data keys, <c>local</c> or a KMS plugin's name (<c>columncrypto.wrapping.provider</c>).</summary>
    public const string WrappingProviderTag = "columncrypto.wrapping.provider";

    /// <summary>Tag: which key wraps data keys, a master key fingerprint or a KMS key id; not secret (<c>columncrypto.wrapping.key_id</c>).</summary>
    public const string WrappingKeyIdTag = "columncrypto.wrapping.key_id";

    /// <summary>Tag: a table, as <c>schema.table</c> or <c>table</c> (OpenTelemetry's <c>db.collection.name</c>).</summary>
    public const string TableTag = "db.collection.name";

    /// <summary>Tag: an encrypted column (<c>columncrypto.column.name</c>).</summary>
    public const string ColumnTag = "columncrypto.column.name";
}
