using System.Data.Common;

namespace ColumnCrypto.Data;

/// <summary>The errors of ColumnCrypto's SQL that are not about one value, in one place.</summary>
internal static class DataErrors
{
    public static ColumnCryptoKeyException NoKeyTable(ColumnCryptoDatabase database, DbException inner) =>
        new($"The database has no data key table ({database.KeyTableDisplayName}). {Schema.ColumnCryptoSchema.HowToCreate} " +
            "If the application renamed the table with KeyTable(name, schema), use the same name here.", null, inner);

    public static ColumnCryptoKeyException NoBlindIndexKeyTable(ColumnCryptoDatabase database, DbException inner) =>
        new($"The database has no blind-index key table ({database.DisplayName(Schema.BlindIndexKeysTable.Definition)}), where ColumnCrypto keeps the keys of " +
            "searchable columns' indexes. Add it: apply a new EF Core migration ('dotnet ef migrations add ColumnCryptoSearch'), run " +
            "migrations/<provider>/0004_columncrypto_blind_indexes.sql, or 'columncrypto init'.", null, inner);

    public static ColumnCryptoKeyException NoKeyRingTable(ColumnCryptoDatabase database, DbException inner) =>
        new($"The database has no key ring table ({database.DisplayName(Schema.KeyRingTable.Definition)}), where ColumnCrypto keeps the authenticated head of " +
            $"the key table {database.KeyTableDisplayName}. Add it: apply a new EF Core migration ('dotnet ef migrations add ColumnCryptoKeyRing'), " +
            "run migrations/<provider>/0003_columncrypto_key_ring.sql, 'columncrypto init', or ColumnCryptoSchema.CreateMissingTablesAsync. " +
            "The existing key rows are recorded in it at the next start.", null, inner);

    public static ColumnCryptoKeyException NoSuchKey(ColumnCryptoDatabase database, int version) =>
        new($"There is no data key version {version} in the key table {database.KeyTableDisplayName}.", version);
}
