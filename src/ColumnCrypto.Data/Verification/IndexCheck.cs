using System.Globalization;
using System.Security.Cryptography;
using ColumnCrypto.Data.Registry;
using ColumnCrypto.Search;
using ColumnCrypto.Values;

namespace ColumnCrypto.Data.Verification;

/// <summary>
/// Checks one searchable column's stored blind indexes against their decrypted values, for
/// <see cref="EncryptedValueVerifier"/>: the index must be the one the value gets under the index key version its
/// header names, and that version must be active. In a column whose index is still being built, rows without an index
/// (or with one under the previous normalization) are what the build will do: counted as pending, not as problems.
/// </summary>
internal sealed class IndexCheck
{
    private readonly BlindIndex _blindIndex;
    private readonly SearchableColumn _searchable;
    private readonly ColumnVerification _result;
    private readonly bool _building;

    private IndexCheck(EncryptedColumnRegistration column, BlindIndex blindIndex, ColumnVerification result)
    {
        Registration = column.BlindIndex!;
        _blindIndex = blindIndex;
        _searchable = column.ToSearchableColumn()!;
        _result = result;
        _building = Registration.Status == BlindIndexStatus.Building;
    }

    public BlindIndexRegistration Registration { get; }

    /// <summary>
    /// The check for a searchable column; null for any other, and null (with <see cref="ColumnVerification.IndexesNotVerified"/>
    /// saying why) when no index key is available.
    /// </summary>
    public static IndexCheck? For(EncryptedColumnRegistration column, BlindIndex blindIndex, ColumnVerification result)
    {
        if (column.BlindIndex is null)
        {
            return null;
        }

        try
        {
            _ = blindIndex.LookupVersions;
        }
        catch (ColumnCryptoKeyException e)
        {
            result.IndexesNotVerified = e.Message;
            return null;
        }

        return new IndexCheck(column, blindIndex, result);
    }

    /// <summary>What is wrong with a row's index, or null when it is right (or pending).</summary>
    /// <param name="encoded">The value's encoded plaintext; null when a plaintext value could not be read as its type.</param>
    /// <param name="stored">The stored index, or null.</param>
    /// <param name="type">The value's type, so values equal in .NET compare as one.</param>
    public (VerificationProblem Kind, string Reason)? Problem(byte[]? encoded, byte[]? stored, EncryptedValueType? type)
    {
        var column = Registration.IndexColumn;
        if (stored is null)
        {
            return Pending() ? null : (VerificationProblem.IndexMissing,
                $"the value has no index in {column}: lookups do not find this row. BlindIndexBuilder.RunAsync() indexes rows without one.");
        }

        if (!BlindIndexLayout.TryReadHeader(stored, out var version, out var normalization))
        {
            return (VerificationProblem.IndexMismatch, string.Create(CultureInfo.InvariantCulture,
                $"{column} does not hold a ColumnCrypto blind index ({stored.Length} bytes): lookups do not find this row. BlindIndexBuilder.RunAsync() rewrites it."));
        }

        if (normalization != Registration.Normalization)
        {
            return Pending() ? null : (VerificationProblem.IndexMismatch,
                $"the index was computed with normalization {normalization}, the column records {Registration.Normalization}: lookups do not find this row. BlindIndexBuilder.RunAsync() rewrites it.");
        }

        if (!_blindIndex.IsActive(version))
        {
            return (VerificationProblem.IndexKeyVersionNotActive, string.Create(CultureInfo.InvariantCulture,
                $"the index is under index key version {version}, which is not active (active: {string.Join(", ", _blindIndex.LookupVersions)}): lookups do not find this row. BlindIndexBuilder.RunAsync() rewrites it under the newest."));
        }

        if (encoded is null)
        {
            return (VerificationProblem.IndexMismatch,
                $"the value is plaintext that cannot be read as a {type?.Name ?? "value of the recorded type"}, so its index cannot be checked. Fix the value (see docs/operations.md, plaintext migration).");
        }

        byte[] expected;
        try
        {
            expected = _blindIndex.ComputeEncoded(_searchable, encoded, version, type);
        }
        catch (FormatException e)
        {
            return (VerificationProblem.IndexMismatch, $"the value's index cannot be computed: {e.Message}");
        }

        return CryptographicOperations.FixedTimeEquals(expected, stored)
            ? null
            : (VerificationProblem.IndexMismatch,
                "the index does not match the value (written around the application, or copied from another row): lookups for the value miss this row, " +
                "and lookups for another value may find it. Write the value again through the application (or store BlindIndex.ComputeForWrite of it).");
    }

    private bool Pending()
    {
        if (!_building)
        {
            return false;
        }

        _result.IndexPending++;
        return true;
    }
}
