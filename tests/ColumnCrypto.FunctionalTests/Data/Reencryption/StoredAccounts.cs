using System.Data.Common;
using ColumnCrypto.FunctionalTests.Infrastructure;

namespace ColumnCrypto.FunctionalTests.Data.Reencryption;

/// <summary>What the accounts table really stores, read with raw SQL, and checks on it.</summary>
public static class StoredAccounts
{
    public static readonly string[] BinaryColumns = ["Email", "Balance", "Pin"];

    public static EncryptedColumn Column(string name) => new("accounts", name);

    /// <summary>Every stored ciphertext (non-null values) of the four encrypted columns, decoded to bytes.</summary>
    public static async Task<List<(long Id, string Column, byte[] Stored)>> ReadAsync(TestDatabase database)
    {
        var result = new List<(long, string, byte[])>();
        await using var connection = database.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Id\", \"Email\", \"Balance\", \"Pin\", \"Note\" FROM accounts ORDER BY \"Id\"";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0);
            for (var c = 0; c < 3; c++)
            {
                if (!reader.IsDBNull(c + 1))
                {
                    result.Add((id, BinaryColumns[c], Bytes(reader, c + 1)));
                }
            }

            if (!reader.IsDBNull(4))
            {
                result.Add((id, "Note", Convert.FromBase64String(reader.GetString(4))));
            }
        }

        return result;
    }

    /// <summary>
    /// Asserts that every stored value is under <paramref name="version"/>, decrypts, and has exactly one header
    /// layer (its plaintext is not itself a ColumnCrypto value).
    /// </summary>
    public static async Task AssertAllOnVersionAsync(TestDatabase database, ColumnEncryptor encryptor, int version)
    {
        var stored = await ReadAsync(database);
        Assert.NotEmpty(stored);
        foreach (var (id, column, bytes) in stored)
        {
            Assert.True(ColumnEncryptor.GetKeyVersion(bytes) == version, $"accounts.{column} of row {id} is on key version {ColumnEncryptor.GetKeyVersion(bytes)?.ToString() ?? "none"}, not {version}.");
            var plaintext = encryptor.Decrypt<byte[]>(Column(column), bytes)!;
            Assert.False(ColumnEncryptor.IsCiphertext(plaintext), $"accounts.{column} of row {id} has two header layers.");
        }
    }

    /// <summary>Asserts that the application reads exactly <paramref name="expected"/>.</summary>
    public static void AssertSame(IReadOnlyDictionary<long, Account> expected, IReadOnlyDictionary<long, Account> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (id, account) in expected)
        {
            Assert.True(actual.TryGetValue(id, out var read), $"Row {id} is missing.");
            Assert.Equivalent(account, read, strict: true);
        }
    }

    private static byte[] Bytes(DbDataReader reader, int ordinal) => reader.GetFieldValue<byte[]>(ordinal);
}
