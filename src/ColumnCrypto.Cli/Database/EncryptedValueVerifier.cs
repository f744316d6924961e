using System.Data.Common;
using System.Globalization;
using ColumnCrypto.EntityFrameworkCore.Reencryption;

namespace ColumnCrypto.Cli.Database;

/// <summary>
/// Decrypts every non-null value of one recorded encrypted column, as its value type, and collects the values that do
/// not decrypt with their row key. Reads only (one SELECT, streamed); never writes.
/// </summary>
internal sealed class EncryptedValueVerifier(ColumnEncryptor encryptor, DatabaseTarget database)
{
    private static readonly Dictionary<string, Action<ColumnEncryptor, EncryptedColumn, byte[]>> Decoders = new(StringComparer.Ordinal)
    {
        ["String"] = (e, c, v) => e.Decrypt<string>(c, v),
        ["Byte[]"] = (e, c, v) => e.Decrypt<byte[]>(c, v),
        ["Boolean"] = (e, c, v) => e.Decrypt<bool>(c, v),
        ["Int16"] = (e, c, v) => e.Decrypt<short>(c, v),
        ["Int32"] = (e, c, v) => e.Decrypt<int>(c, v),
        ["Int64"] = (e, c, v) => e.Decrypt<long>(c, v),
        ["Single"] = (e, c, v) => e.Decrypt<float>(c, v),
        ["Double"] = (e, c, v) => e.Decrypt<double>(c, v),
        ["Decimal"] = (e, c, v) => e.Decrypt<decimal>(c, v),
        ["Guid"] = (e, c, v) => e.Decrypt<Guid>(c, v),
        ["DateTime"] = (e, c, v) => e.Decrypt<DateTime>(c, v),
        ["DateTimeOffset"] = (e, c, v) => e.Decrypt<DateTimeOffset>(c, v),
        ["DateOnly"] = (e, c, v) => e.Decrypt<DateOnly>(c, v),
        ["TimeOnly"] = (e, c, v) => e.Decrypt<TimeOnly>(c, v),
        ["TimeSpan"] = (e, c, v) => e.Decrypt<TimeSpan>(c, v),

        // Enums are encoded as their 64-bit number.
        ["Enum"] = (e, c, v) => e.Decrypt<long>(c, v),
    };

    public async Task<ColumnVerification> VerifyAsync(EncryptedColumnRegistration registration, int maxFailuresKept, Action<long> progress, CancellationToken cancellationToken)
    {
        var identity = EncryptedColumn.Parse(registration.EncryptionContext);

        // Unknown value types are still authenticated: decrypting as bytes checks the tag without decoding.
        var decode = Decoders.GetValueOrDefault(registration.ValueType) ?? Decoders["Byte[]"];
        var result = new ColumnVerification(registration.QualifiedTable, registration.Column);
        var keys = registration.KeyColumns;
        var select = string.Join(", ", keys.Append(registration.Column).Select(Quote));
        var order = keys.Count == 0 ? string.Empty : " ORDER BY " + string.Join(", ", keys.Select(Quote));
        var table = string.IsNullOrEmpty(registration.Schema) ? Quote(registration.Table) : $"{Quote(registration.Schema)}.{Quote(registration.Table)}";

        await using var connection = database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {select} FROM {table} WHERE {Quote(registration.Column)} IS NOT NULL{order}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var valueOrdinal = keys.Count;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Checked++;
            var problem = Check(reader.GetValue(valueOrdinal), registration, identity, decode, out var version);
            if (problem == Outcome.Plaintext)
            {
                result.Plaintext++;
            }
            else if (problem is Outcome.Failed failed)
            {
                result.FailedCount++;
                if (result.Failures.Count < maxFailuresKept)
                {
                    result.Failures.Add(new ValueFailure(result.Table, result.Column, version, RowKey(reader, keys), failed.Reason));
                }
            }

            if (result.Checked % 500 == 0)
            {
                progress(result.Checked);
            }
        }

        progress(result.Checked);
        return result;
    }

    private Outcome Check(object stored, EncryptedColumnRegistration registration, EncryptedColumn identity, Action<ColumnEncryptor, EncryptedColumn, byte[]> decode, out int? version)
    {
        version = null;
        byte[] bytes;
        switch (stored)
        {
            case byte[] b when registration.Storage == EncryptedStorage.Binary:
                bytes = b;
                break;
            case string text when registration.Storage == EncryptedStorage.Base64Text:
                try
                {
                    bytes = Convert.FromBase64String(text);
                }
                catch (FormatException)
                {
                    return registration.PlaintextAllowed ? Outcome.Plaintext : new Outcome.Failed("the value is not base64 text as the column's Base64Text storage requires (plaintext?).");
                }

                break;
            default:
                return registration.PlaintextAllowed
                    ? Outcome.Plaintext
                    : new Outcome.Failed($"the value is a {stored.GetType().Name}, not {(registration.Storage == EncryptedStorage.Binary ? "binary" : "base64 text")} ciphertext (plaintext?).");
        }

        version = ColumnEncryptor.GetKeyVersion(bytes);
        if (version is null && registration.PlaintextAllowed)
        {
            return Outcome.Plaintext;
        }

        try
        {
            decode(encryptor, identity, bytes);
            return Outcome.Ok;
        }
        catch (ColumnDecryptionException e)
        {
            return new Outcome.Failed(e.Message);
        }
    }

    private static string RowKey(DbDataReader reader, IReadOnlyList<string> keys) =>
        keys.Count == 0
            ? "(no primary key)"
            : string.Join(", ", keys.Select((k, i) => $"{k}={Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)}"));

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private abstract record Outcome
    {
        public static readonly Outcome Ok = new Success();
        public static readonly Outcome Plaintext = new Legacy();

        public sealed record Failed(string Reason) : Outcome;

        private sealed record Success : Outcome;

        private sealed record Legacy : Outcome;
    }
}

/// <summary>What verify found in one column.</summary>
internal sealed class ColumnVerification(string table, string column)
{
    public string Table { get; } = table;

    public string Column { get; } = column;

    public long Checked { get; set; }

    public long Plaintext { get; set; }

    public long FailedCount { get; set; }

    public List<ValueFailure> Failures { get; } = [];
}

/// <summary>One value that does not decrypt: where it is, which key its header names, and why.</summary>
internal sealed record ValueFailure(string Table, string Column, int? KeyVersion, string Row, string Reason);
