using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using ColumnCrypto.Data.Schema;
using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ColumnCrypto.EntityFrameworkCore.Metadata;

/// <summary>
/// Adds ColumnCrypto's tables (the data key table, the encrypted-column registry, the re-encryption progress, the key
/// ring's head, the blind-index registry) to the application's model, exactly as <see cref="ColumnCryptoTables"/>
/// defines them, so <c>dotnet ef migrations add</c> creates them with the application's tables. ColumnCrypto reads and
/// writes them with its own SQL, never through the context.
/// </summary>
/// <remarks>
/// EF Core builds the model of its migrations history table (<c>__EFMigrationsHistory</c>) with the same conventions,
/// plugins included: ColumnCrypto's tables are removed from that model again, or <c>Migrate()</c> would create them
/// with the history table and then fail on the migration that creates them.
/// </remarks>
internal sealed class ColumnCryptoTablesConvention(string keyTableName, string? schema) : IModelInitializedConvention, IModelFinalizingConvention
{
    // Each table with the CLR type whose declared properties give its column order (see ColumnCryptoTableRows.cs).
    private static readonly (TableDefinition Table, Type Row, PropertyInfo[] Members)[] Tables =
    [
        Mapping<DataKeyRecord>(DataKeysTable.Definition),
        Mapping<EncryptedColumnRow>(EncryptedColumnsTable.Definition),
        Mapping<ReencryptionProgressRow>(ReencryptionProgressTable.Definition),
        Mapping<KeyRingRow>(KeyRingTable.Definition),
        Mapping<BlindIndexRow>(BlindIndexesTable.Definition),
        Mapping<BlindIndexKeyRow>(BlindIndexKeysTable.Definition),
    ];

    // Generic, so the trimmer sees which properties are read by reflection and keeps them.
    private static (TableDefinition, Type, PropertyInfo[]) Mapping<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(TableDefinition table) =>
        (table, typeof(T), typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance));

    public void ProcessModelInitialized(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        foreach (var (table, row, members) in Tables)
        {
            var name = ReferenceEquals(table, DataKeysTable.Definition) ? keyTableName : table.DefaultName;

            // Configured as data annotations would be: entity types added at convention level are removed again when
            // no other entity type references them.
            var entity = modelBuilder.Entity(row, fromDataAnnotation: true)!;
            entity.HasAnnotation(EncryptionAnnotations.OwnTable, true, fromDataAnnotation: true);
            entity.ToTable(name, schema, fromDataAnnotation: true);
            foreach (var (column, member) in Columns(table, row, members))
            {
                var property = entity.Property(member, fromDataAnnotation: true)!;
                property.HasColumnName(column.Name, fromDataAnnotation: true);
                property.IsRequired(!column.IsNullable, fromDataAnnotation: true);
                if (column.MaxLength is { } length)
                {
                    property.HasMaxLength(length, fromDataAnnotation: true);
                }

                if (table.PrimaryKey.Contains(column.Name))
                {
                    property.ValueGenerated(ValueGenerated.Never, fromDataAnnotation: true);
                }
            }

            // At convention level: a composite key from a data annotation would need a [PrimaryKey] attribute.
            entity.PrimaryKey([.. table.PrimaryKey.Select(c => Columns(table, row, members).Single(p => p.Column.Name == c).Member.Name)]);
        }
    }

    /// <summary>The definition's columns with the row type's properties, which must match them one for one, in order.</summary>
    private static IEnumerable<(ColumnDefinition Column, PropertyInfo Member)> Columns(TableDefinition table, Type row, PropertyInfo[] properties)
    {
        var members = properties.Where(p => p.CanWrite).ToList();
        if (members.Count != table.Columns.Count || members.Zip(table.Columns).Any(p => SnakeCase(p.First.Name) != p.Second.Name || !Holds(p.First.PropertyType, p.Second)))
        {
            throw new InvalidOperationException(
                $"ColumnCrypto's mapping of {table.DefaultName} to {row.Name} does not match the table's definition ({table.ColumnList}): a ColumnCrypto build error.");
        }

        return table.Columns.Zip(members);
    }

    // An enum (DataKeyRecord.Status) is stored as its number.
    private static bool Holds(Type property, ColumnDefinition column)
    {
        var type = Nullable.GetUnderlyingType(property) ?? property;
        return (type.IsEnum ? Enum.GetUnderlyingType(type) : type) == column.ClrType;
    }

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        var model = modelBuilder.Metadata;
        if (model.FindEntityType(typeof(HistoryRow)) is null)
        {
            return;
        }

        foreach (var entity in model.GetEntityTypes().Where(e => e.FindAnnotation(EncryptionAnnotations.OwnTable) is not null).ToList())
        {
            modelBuilder.HasNoEntityType(entity, fromDataAnnotation: true);
        }
    }
}
