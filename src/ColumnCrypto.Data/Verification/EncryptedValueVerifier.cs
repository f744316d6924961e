using System.Data.Common;
using System.Globalization;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Envelope;
using ColumnCrypto.Values;

namespace ColumnCrypto.Data.Verification;

/// <summary>
/// Decrypts every non-null value of a recorded encrypted column, as its value type, and collects the values that do
/// not decrypt with their row key. Reads only (one streamed SELECT per column); never writes.
/// </summary>
/// <param name="encryptor">The encryptor with the application's keys.</param>
/// <param name="database">The database of the column.</param>
public sealed class EncryptedValueVerifier(ColumnEncryptor encryptor, ColumnCryptoDatabase database)
{
    /// <summary>Verifies one column.</summary>
    /// <param name="column">The column, as the registry records it.</param>
    /// <param name="maxFailuresKept">How many failing values to keep in the result (all are counted).</param>
    /// <param name="progress">Told the number of values checked so far, every 500 values and at the end.</param>
    /// <param name="cancellationToken">Stops the scan.</param>
    /// <returns>What was found.</returns>
    public async Task<ColumnVerification> VerifyAsync(EncryptedColumnRegistration column, int maxFailuresKept, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(column);
        var identity = column.ToEncryptedColumn();

        // An unknown value type is still authenticated: decrypting as bytes checks the tag without decoding.
        var valueType = EncryptedValueType.FromName(column.ValueType);
        var result = new ColumnVerification(column.QualifiedTable, column.Column);
        var keys = column.KeyColumns;
        var select = string.Join(", ", keys.Append(column.Column).Select(SqlDialect.Quote));
        var order = keys.Count == 0 ? string.Empty : " ORDER BY " + string.Join(", ", keys.Select(SqlDialect.Quote));

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DbCommands.Create(connection,
            $"SELECT {select} FROM {database.Dialect.Table(column.Schema, column.Table)} WHERE {SqlDialect.Quote(column.Column)} IS NOT NULL{order}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Checked++;
            var outcome = Check(reader.GetValue(keys.Count), column, identity, valueType, out var version);
            if (outcome is null)
            {
                result.Plaintext++;
            }
            else if (outcome.Length > 0)
            {
                result.FailedCount++;
                if (result.Failures.Count < maxFailuresKept)
                {
                    result.Failures.Add(new ValueFailure(result.Table, result.Column, version, RowKey(reader, keys), outcome));
                }
            }

            if (result.Checked % 500 == 0)
            {
                progress?.Report(result.Checked);
            }
        }

        progress?.Report(result.Checked);
        return result;
    }

    /// <summary>Null for plaintext the column may still hold, empty when the value decrypts, else why it does not.</summary>
    private string? Check(object stored, EncryptedColumnRegistration column, EncryptedColumn identity, EncryptedValueType? valueType, out int? version)
    {
        version = null;
        var (kind, keyVersion, bytes) = stored switch
        {
            byte[] b when column.Storage == EncryptedStorage.Binary => (StoredValue.Classify(b, out var v), v, b),
            string text when column.Storage == EncryptedStorage.Base64Text => (StoredValue.Classify(text, out var v, out var decoded), v, decoded),
            _ => (StoredValueKind.Plaintext, -1, null),
        };

        if (kind == StoredValueKind.Plaintext)
        {
            return column.PlaintextAllowed
                ? null
                : $"the value has no ColumnCrypto header ({Describe(stored)}): plaintext, or data from elsewhere.";
        }

        version = keyVersion > 0 ? keyVersion : null;
        try
        {
            var plaintext = encryptor.Decrypt<byte[]>(identity, bytes!);
            try
            {
                valueType?.Decode(plaintext!);
            }
            catch (FormatException e)
            {
                return $"it decrypts, but not to a {valueType!.Name}: {e.Message}.";
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(plaintext);
            }

            return string.Empty;
        }
        catch (ColumnDecryptionException e)
        {
            return e.Message;
        }
    }

    private static string Describe(object stored) => stored switch
    {
        byte[] b => string.Create(CultureInfo.InvariantCulture, $"{b.Length} bytes"),
        string s => string.Create(CultureInfo.InvariantCulture, $"{s.Length} characters"),
        _ => $"a {stored.GetType().Name}",
    };

    private static string RowKey(DbDataReader reader, IReadOnlyList<string> keys) =>
        keys.Count == 0
            ? "(no primary key)"
            : string.Join(", ", keys.Select((k, i) => $"{k}={Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)}"));
}

/// <summary>What verification found in one column.</summary>
/// <param name="table">The table, schema-qualified.</param>
/// <param name="column">The column.</param>
public sealed class ColumnVerification(string table, string column)
{
    /// <summary>The table, schema-qualified.</summary>
    public string Table { get; } = table;

    /// <summary>The column.</summary>
    public string Column { get; } = column;

    /// <summary>Non-null values checked.</summary>
    public long Checked { get; internal set; }

    /// <summary>Values without a ColumnCrypto header in a column being migrated from plaintext.</summary>
    public long Plaintext { get; internal set; }

    /// <summary>Values that do not decrypt (or decode as the column's type).</summary>
    public long FailedCount { get; internal set; }

    /// <summary>The first failures, with their rows.</summary>
    public IList<ValueFailure> Failures { get; } = [];
}

/// <summary>One value that does not decrypt: where it is, which key its header names, and why.</summary>
/// <param name="Table">The table, schema-qualified.</param>
/// <param name="Column">The column.</param>
/// <param name="KeyVersion">The key version in the value's header, when it has one.</param>
/// <param name="Row">The row's primary key, as <c>column=value, ...</c>.</param>
/// <param name="Reason">Why it does not decrypt.</param>
public sealed record ValueFailure(string Table, string Column, int? KeyVersion, string Row, string Reason);
