using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using ColumnCrypto.Data.Plaintext;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Data.Sql;
using ColumnCrypto.Envelope;
using ColumnCrypto.Search;
using ColumnCrypto.Values;

namespace ColumnCrypto.Data.Verification;

/// <summary>
/// Decrypts every non-null value of a recorded encrypted column, as its value type, and collects the values that do
/// not decrypt with their row key. In a searchable column it also recomputes each row's blind index from the
/// decrypted value under the index key version the stored index names, and reports rows whose index is missing,
/// disagrees with the value, is under an index key that is not active, or is present without a value. Reads only (one
/// streamed SELECT per column); never writes, and never reports a value or an index.
/// </summary>
/// <param name="encryptor">The encryptor with the application's keys.</param>
/// <param name="blindIndex">The blind indexes with the application's index keys (the <see cref="BlindIndex"/> service).</param>
/// <param name="database">The database of the column.</param>
public sealed class EncryptedValueVerifier(ColumnEncryptor encryptor, BlindIndex blindIndex, ColumnCryptoDatabase database)
{
    /// <summary>Verifies one column.</summary>
    /// <param name="column">The column, as the registry records it.</param>
    /// <param name="maxFailuresKept">How many problems (values and indexes) to keep in the result (all are counted).</param>
    /// <param name="progress">Told the number of values checked so far, every 500 values and at the end.</param>
    /// <param name="cancellationToken">Stops the scan.</param>
    /// <returns>What was found.</returns>
    public async Task<ColumnVerification> VerifyAsync(EncryptedColumnRegistration column, int maxFailuresKept, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(column);
        var identity = column.ToEncryptedColumn();

        // An unknown value type is still authenticated: decrypting as bytes checks the tag without decoding.
        var valueType = EncryptedValueType.FromName(column.ValueType);
        var result = new ColumnVerification(column.QualifiedTable, column.Column) { IndexColumn = column.BlindIndex?.IndexColumn };
        var index = IndexCheck.For(column, blindIndex, result);
        var keys = column.KeyColumns;
        var quoted = SqlDialect.Quote(column.Column);
        var selected = keys.Select(SqlDialect.Quote).Append(quoted);
        var where = $"{quoted} IS NOT NULL";
        if (index is not null)
        {
            var quotedIndex = SqlDialect.Quote(index.Registration.IndexColumn);
            selected = selected.Append(database.Dialect.Stored(quotedIndex, EncryptedStorage.Binary));
            where += $" OR {quotedIndex} IS NOT NULL";
        }

        var order = keys.Count == 0 ? string.Empty : " ORDER BY " + string.Join(", ", keys.Select(SqlDialect.Quote));

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = DbCommands.Create(connection,
            $"SELECT {string.Join(", ", selected)} FROM {database.Dialect.Table(column.Schema, column.Table)} WHERE {where}{order}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var stored = reader.Value(keys.Count);
            var storedIndex = index is null ? null : reader.Value(keys.Count + 1) as byte[];
            if (stored is null)
            {
                // Selected for its index: a row without a value must have none (lookups for a value would find it).
                result.IndexesChecked++;
                AddIndexProblem(result, maxFailuresKept, reader, keys, null, storedIndex, VerificationProblem.IndexWithoutValue,
                    $"{result.IndexColumn} holds an index but the value is NULL: lookups may find this row for a value it does not hold. Set the index to NULL.");
                continue;
            }

            result.Checked++;
            var outcome = Check(stored, column, identity, valueType, index is not null, out var version, out var encoded);
            try
            {
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

                if (index is not null && outcome is not { Length: > 0 })
                {
                    result.IndexesChecked++;
                    if (index.Problem(encoded, storedIndex, valueType) is { } problem)
                    {
                        AddIndexProblem(result, maxFailuresKept, reader, keys, version, storedIndex, problem.Kind, problem.Reason);
                    }
                }
            }
            finally
            {
                if (encoded is not null)
                {
                    CryptographicOperations.ZeroMemory(encoded);
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

    /// <summary>
    /// Null for plaintext the column may still hold, empty when the value decrypts, else why it does not.
    /// <paramref name="encoded"/> is the value's encoded plaintext when <paramref name="keepPlaintext"/> and it could be
    /// read (the caller zeroes it).
    /// </summary>
    private string? Check(object stored, EncryptedColumnRegistration column, EncryptedColumn identity, EncryptedValueType? valueType, bool keepPlaintext, out int? version, out byte[]? encoded)
    {
        version = null;
        encoded = null;
        var (kind, keyVersion, bytes) = stored switch
        {
            byte[] b when column.Storage == EncryptedStorage.Binary => (StoredValue.Classify(b, out var v), v, b),
            string text when column.Storage == EncryptedStorage.Base64Text => (StoredValue.Classify(text, out var v, out var decoded), v, decoded),
            _ => (StoredValueKind.Plaintext, -1, null),
        };

        if (kind == StoredValueKind.Plaintext)
        {
            if (!column.PlaintextAllowed)
            {
                return $"the value has no ColumnCrypto header ({Describe(stored)}): plaintext, or data from elsewhere.";
            }

            if (keepPlaintext)
            {
                try
                {
                    encoded = LegacyPlaintext.ToEncoded(column.ValueType, stored);
                }
                catch (FormatException)
                {
                    // Reported as an index that cannot be checked; the re-encryption reports the value itself.
                }
            }

            return null;
        }

        version = keyVersion > 0 ? keyVersion : null;
        byte[]? plaintext = null;
        try
        {
            plaintext = encryptor.Decrypt<byte[]>(identity, bytes!);
            try
            {
                valueType?.Decode(plaintext!);
            }
            catch (FormatException e)
            {
                return $"it decrypts, but not to a {valueType!.Name}: {e.Message}.";
            }

            if (keepPlaintext)
            {
                (encoded, plaintext) = (plaintext, null);
            }

            return string.Empty;
        }
        catch (ColumnDecryptionException e)
        {
            return e.Message;
        }
        finally
        {
            if (plaintext is not null)
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }
    }

    private static void AddIndexProblem(ColumnVerification result, int maxFailuresKept, DbDataReader reader, IReadOnlyList<string> keys, int? version, byte[]? storedIndex, VerificationProblem kind, string reason)
    {
        result.IndexFailedCount++;
        if (result.Failures.Count < maxFailuresKept)
        {
            var indexVersion = storedIndex is not null && BlindIndexLayout.TryReadHeader(storedIndex, out var v, out _) ? v : (int?)null;
            result.Failures.Add(new ValueFailure(result.Table, result.Column, version, RowKey(reader, keys), reason) { Problem = kind, IndexKeyVersion = indexVersion });
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
