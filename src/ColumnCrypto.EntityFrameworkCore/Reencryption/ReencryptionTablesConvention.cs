using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;

namespace ColumnCrypto.EntityFrameworkCore.Reencryption;

/// <summary>
/// Adds the encrypted-column registry and the re-encryption progress table to the application's model (in the key
/// table's schema), so <c>dotnet ef migrations add</c> creates them with the key table. Their shape matches
/// <c>migrations/*/0002_columncrypto_reencryption.sql</c>.
/// </summary>
internal sealed class ReencryptionTablesConvention(string? schema) : IModelInitializedConvention
{
    private const int NameLength = 128;

    public void ProcessModelInitialized(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        // Configured as data annotations, as the key table is: convention-level entity types would be removed again.
        var columns = Entity<EncryptedColumnRow>(modelBuilder, ColumnCryptoTableNames.EncryptedColumns);
        Column(columns, nameof(EncryptedColumnRow.KeyColumns), "key_columns", 1024);
        Column(columns, nameof(EncryptedColumnRow.Storage), "storage", 16);
        Column(columns, nameof(EncryptedColumnRow.EncryptionContext), "encryption_context", 512);
        Column(columns, nameof(EncryptedColumnRow.ValueType), "value_type", 32);
        Column(columns, nameof(EncryptedColumnRow.ClrType), "clr_type", 512);
        Column(columns, nameof(EncryptedColumnRow.PlaintextAllowed), "plaintext_allowed");
        Column(columns, nameof(EncryptedColumnRow.ContextType), "context_type", 512);
        Column(columns, nameof(EncryptedColumnRow.UpdatedAt), "updated_at");

        var progress = Entity<ReencryptionProgressRow>(modelBuilder, ColumnCryptoTableNames.ReencryptionProgress);
        Column(progress, nameof(ReencryptionProgressRow.TargetVersion), "target_version");
        Column(progress, nameof(ReencryptionProgressRow.TotalValues), "total_values");
        Column(progress, nameof(ReencryptionProgressRow.DoneValues), "done_values");
        Column(progress, nameof(ReencryptionProgressRow.FailedValues), "failed_values");
        Column(progress, nameof(ReencryptionProgressRow.Status), "status", 16);
        Column(progress, nameof(ReencryptionProgressRow.RowsPerSecond), "rows_per_second");
        Column(progress, nameof(ReencryptionProgressRow.LastKey), "last_key", 1024, required: false);
        Column(progress, nameof(ReencryptionProgressRow.Worker), "worker", 256, required: false);
        Column(progress, nameof(ReencryptionProgressRow.StartedAt), "started_at");
        Column(progress, nameof(ReencryptionProgressRow.UpdatedAt), "updated_at");
    }

    /// <summary>An entity keyed by (table_schema, table_name, column_name), as both tables are.</summary>
    private IConventionEntityTypeBuilder Entity<T>(IConventionModelBuilder modelBuilder, string table)
    {
        var entity = modelBuilder.Entity(typeof(T), fromDataAnnotation: true)!;
        entity.ToTable(table, schema, fromDataAnnotation: true);
        entity.PrimaryKey(["TableSchema", "TableName", "ColumnName"], fromDataAnnotation: true);
        Column(entity, "TableSchema", "table_schema", NameLength);
        Column(entity, "TableName", "table_name", NameLength);
        Column(entity, "ColumnName", "column_name", NameLength);
        return entity;
    }

    private static void Column(IConventionEntityTypeBuilder entity, string property, string column, int? maxLength = null, bool required = true)
    {
        var builder = entity.Property(entity.Metadata.ClrType.GetProperty(property)!, fromDataAnnotation: true)!;
        builder.IsRequired(required, fromDataAnnotation: true);
        builder.HasColumnName(column, fromDataAnnotation: true);
        if (maxLength is { } length)
        {
            builder.HasMaxLength(length, fromDataAnnotation: true);
        }
    }
}
