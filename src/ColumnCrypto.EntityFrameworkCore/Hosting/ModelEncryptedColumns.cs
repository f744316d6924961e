using ColumnCrypto.Data.Registry;
using ColumnCrypto.EntityFrameworkCore.Infrastructure;
using ColumnCrypto.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Logging;
using ColumnCrypto.Values;

namespace ColumnCrypto.EntityFrameworkCore.Hosting;

/// <summary>
/// Reads the encrypted columns of a context's relational model: every table column mapped to a property whose value
/// converter encrypts, with the table's primary key. Table splitting, owned types and inheritance are covered because
/// the relational model lists columns, not properties.
/// </summary>
internal static class ModelEncryptedColumns
{
    public static IReadOnlyList<EncryptedColumnRegistration> Read(DbContext context, out IReadOnlyList<string> keylessTables)
    {
        var plaintextAllowed = context.GetService<IDbContextOptions>().FindExtension<ColumnEncryptionOptionsExtension>()?.AllowPlaintextReads ?? false;
        var contextType = context.GetType().FullName ?? context.GetType().Name;
        var found = new List<EncryptedColumnRegistration>();
        var keyless = new List<string>();
        foreach (var table in context.Model.GetRelationalModel().Tables)
        {
            foreach (var column in table.Columns)
            {
                var mapping = column.PropertyMappings.FirstOrDefault(m => Converter(m) is not null);
                if (mapping is null)
                {
                    continue;
                }

                if (table.PrimaryKey is not { } primaryKey)
                {
                    keyless.Add(string.IsNullOrEmpty(table.Schema) ? table.Name : $"{table.Schema}.{table.Name}");
                    break;
                }

                var converter = Converter(mapping)!;
                var searchable = ((IEncryptedValueConverter)converter).Searchable;
                var type = Nullable.GetUnderlyingType(mapping.Property.ClrType) ?? mapping.Property.ClrType;
                found.Add(new EncryptedColumnRegistration(
                    table.Schema,
                    table.Name,
                    column.Name,
                    [.. primaryKey.Columns.Select(c => c.Name)],
                    converter.ProviderClrType == typeof(string) ? EncryptedStorage.Base64Text : EncryptedStorage.Binary,
                    ((IEncryptedValueConverter)converter).Column.ToString(),
                    EncryptedValueType.Of(type)!.Name,
                    plaintextAllowed)
                {
                    ClrType = type.FullName ?? type.Name,
                    RegisteredBy = contextType,
                    BlindIndex = searchable is null ? null : new BlindIndexRegistration(searchable.IndexColumn, searchable.Column.Normalization),
                });
            }
        }

        keylessTables = keyless;
        return found;
    }

    private static Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Converter(IColumnMappingBase mapping)
    {
        var converter = mapping.Property.GetValueConverter() ?? mapping.TypeMapping.Converter;
        return converter is IEncryptedValueConverter ? converter : null;
    }

    /// <summary>Records <paramref name="context"/>'s encrypted columns in <paramref name="registry"/>, logging tables without a key.</summary>
    public static async Task<IReadOnlyList<EncryptedColumnRegistration>> RecordAsync(DbContext context, EncryptedColumnRegistry registry, ILogger logger, CancellationToken cancellationToken)
    {
        var columns = Read(context, out var keyless);
        foreach (var table in keyless)
        {
            HostingLog.KeylessTable(logger, table);
        }

        await registry.RegisterAsync(columns, context.GetType().Name, cancellationToken).ConfigureAwait(false);
        return columns;
    }
}
