using ColumnCrypto.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ColumnCrypto.EntityFrameworkCore.Metadata;

/// <summary>
/// Adds the data key table to the application's model, so <c>dotnet ef migrations add</c> creates it with the
/// application's tables. Its shape matches the scripts in <c>migrations/</c> (a test proves it).
/// </summary>
/// <remarks>
/// EF Core builds the model of its migrations history table (<c>__EFMigrationsHistory</c>) with the same conventions,
/// plugins included: ColumnCrypto's tables are removed from that model again, or <c>Migrate()</c> would create them
/// with the history table and then fail on the migration that creates them.
/// </remarks>
internal sealed class DataKeyTableConvention(string tableName, string? schema) : IModelInitializedConvention, IModelFinalizingConvention
{
    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        var model = modelBuilder.Metadata;
        if (model.FindEntityType(typeof(HistoryRow)) is null)
        {
            return;
        }

        var ownAssemblies = new[] { typeof(DataKeyRecord).Assembly, typeof(DataKeyTableConvention).Assembly };
        foreach (var entity in model.GetEntityTypes().Where(e => ownAssemblies.Contains(e.ClrType.Assembly)).ToList())
        {
            modelBuilder.HasNoEntityType(entity, fromDataAnnotation: true);
        }
    }

    public void ProcessModelInitialized(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        // Configured as a data annotation would: entity types added at convention level are removed again when no
        // other entity type references them.
        var entity = modelBuilder.Entity(typeof(DataKeyRecord), fromDataAnnotation: true)!;
        entity.ToTable(tableName, schema, fromDataAnnotation: true);
        entity.PrimaryKey([nameof(DataKeyRecord.Version)], fromDataAnnotation: true);
        Column(entity, nameof(DataKeyRecord.Version), "version").ValueGenerated(ValueGenerated.Never, fromDataAnnotation: true);
        Column(entity, nameof(DataKeyRecord.CreatedAt), "created_at");
        Column(entity, nameof(DataKeyRecord.RollOverAt), "roll_over_at");
        Column(entity, nameof(DataKeyRecord.Status), "status");
        Column(entity, nameof(DataKeyRecord.WrappingProvider), "wrapping_provider").HasMaxLength(32, fromDataAnnotation: true);
        Column(entity, nameof(DataKeyRecord.WrappingKeyId), "wrapping_key_id").HasMaxLength(2048, fromDataAnnotation: true);
        Column(entity, nameof(DataKeyRecord.WrappedKey), "wrapped_key");
        Column(entity, nameof(DataKeyRecord.Commitment), "commitment");
        Column(entity, nameof(DataKeyRecord.EncryptionCount), "encryption_count");
    }

    private static IConventionPropertyBuilder Column(IConventionEntityTypeBuilder entity, string property, string column)
    {
        var builder = entity.Property(typeof(DataKeyRecord).GetProperty(property)!, fromDataAnnotation: true)!;
        builder.IsRequired(true, fromDataAnnotation: true);
        builder.HasColumnName(column, fromDataAnnotation: true);
        return builder;
    }
}
