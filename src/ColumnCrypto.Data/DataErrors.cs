using System.Data.Common;

namespace ColumnCrypto.Data;

/// <summary>The errors of ColumnCrypto's SQL that are not about one value, in one place.</summary>
internal static class DataErrors
{
    public static ColumnCryptoKeyException NoKeyTable(ColumnCryptoDatabase database, DbException inner) =>
        new($"The database has no data key table ({database.KeyTableDisplayName}). {Schema.ColumnCryptoSchema.HowToCreate} " +
            "If the application renamed the table with KeyTable(name, schema), use the same name here.", null, inner);

    public static ColumnCryptoKeyException NoSuchKey(ColumnCryptoDatabase database, int version) =>
        new($"There is no data key version {version} in the key table {database.KeyTableDisplayName}.", version);
}
