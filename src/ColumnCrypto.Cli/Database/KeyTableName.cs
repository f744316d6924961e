namespace ColumnCrypto.Cli.Database;

/// <summary>
/// The data key table's name and schema, as the application gives them to <c>KeyTable(name, schema)</c>. ColumnCrypto's
/// other tables (the encrypted-columns registry, re-encryption progress) live in the same schema.
/// </summary>
internal sealed record KeyTableName(string Name, string? Schema)
{
    /// <summary>Parses <c>NAME</c> or <c>SCHEMA.NAME</c>; null when it is neither.</summary>
    public static KeyTableName? Parse(string text)
    {
        var parts = text.Trim().Split('.');
        return parts switch
        {
            [var name] when IsIdentifier(name) => new KeyTableName(name, null),
            [var schema, var name] when IsIdentifier(schema) && IsIdentifier(name) => new KeyTableName(name, schema),
            _ => null,
        };
    }

    public override string ToString() => Schema is null ? Name : $"{Schema}.{Name}";

    // Names are quoted in every statement, so anything but empty or blank names and quotes is accepted.
    private static bool IsIdentifier(string part) => !string.IsNullOrWhiteSpace(part) && !part.Contains('"') && part.Trim() == part;
}
