using ColumnCrypto.EntityFrameworkCore.Query;
using ColumnCrypto.EntityFrameworkCore.Search;
using ColumnCrypto.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.DependencyInjection;

namespace ColumnCrypto.EntityFrameworkCore.Infrastructure;

/// <summary>
/// The immutable options of <c>UseColumnEncryption</c>. Every change makes a copy, as EF Core requires. The encryptor instance takes part in the service-provider identity, so contexts with different
/// encryptors never share a cached model (whose converters hold the encryptor).
/// </summary>
internal sealed class ColumnEncryptionOptionsExtension : IDbContextOptionsExtension
{
    private DbContextOptionsExtensionInfo? _info;

    public ColumnEncryptionOptionsExtension(ColumnEncryptor encryptor) => Encryptor = encryptor;

    private ColumnEncryptionOptionsExtension(ColumnEncryptionOptionsExtension copyFrom)
    {
        Encryptor = copyFrom.Encryptor;
        KeyTableName = copyFrom.KeyTableName;
        KeyTableSchema = copyFrom.KeyTableSchema;
        IncludeKeyTable = copyFrom.IncludeKeyTable;
        AllowPlaintextReads = copyFrom.AllowPlaintextReads;
        BlindIndex = copyFrom.BlindIndex;
    }

    public ColumnEncryptor Encryptor { get; private init; }

    public string KeyTableName { get; private init; } = Data.Schema.DataKeysTable.DefaultName;

    public string? KeyTableSchema { get; private init; }

    public bool IncludeKeyTable { get; private init; } = true;

    /// <summary>Plaintext migration: values without a ColumnCrypto header are read as plaintext (see AllowPlaintextReads()).</summary>
    public bool AllowPlaintextReads { get; private init; }

    /// <summary>Computes the blind indexes of searchable properties (null: none may be searchable). Part of the model cache key, like the encryptor.</summary>
    public BlindIndex? BlindIndex { get; private init; }

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public ColumnEncryptionOptionsExtension WithKeyTable(string name, string? schema) => new(this) { KeyTableName = name, KeyTableSchema = schema, IncludeKeyTable = true };

    public ColumnEncryptionOptionsExtension WithoutKeyTable() => new(this) { IncludeKeyTable = false };

    public ColumnEncryptionOptionsExtension WithPlaintextReads() => new(this) { AllowPlaintextReads = true };

    public ColumnEncryptionOptionsExtension WithBlindIndex(BlindIndex blindIndex) => new(this) { BlindIndex = blindIndex };

    public void ApplyServices(IServiceCollection services)
    {
        new EntityFrameworkServicesBuilder(services).TryAdd<IConventionSetPlugin, ColumnEncryptionConventionSetPlugin>();
        ServiceDecoration.Decorate<IQueryTranslationPostprocessorFactory>(services, (inner, sp) =>
            new EncryptedColumnQueryGuardFactory(inner, sp.GetRequiredService<QueryTranslationPostprocessorDependencies>()));
        ServiceDecoration.Decorate<IQueryTranslationPreprocessorFactory>(services, (inner, sp) =>
            new SearchableQueryPreprocessorFactory(inner, sp.GetRequiredService<QueryTranslationPreprocessorDependencies>()));
        ServiceDecoration.Decorate<Microsoft.EntityFrameworkCore.Update.ICommandBatchPreparer>(services, (inner, _) => new BlindIndexWritingBatchPreparer(inner));
        ServiceDecoration.Decorate<IModelCacheKeyFactory>(services, (inner, _) => new EncryptorModelCacheKeyFactory(inner));
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(ColumnEncryptionOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        private new ColumnEncryptionOptionsExtension Extension => (ColumnEncryptionOptionsExtension)base.Extension;

        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "using ColumnCrypto column encryption ";

        public override int GetServiceProviderHashCode() =>
            HashCode.Combine(Extension.KeyTableName, Extension.KeyTableSchema, Extension.IncludeKeyTable, Extension.AllowPlaintextReads);

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) =>
            other is ExtensionInfo o
            && o.Extension.KeyTableName == Extension.KeyTableName
            && o.Extension.KeyTableSchema == Extension.KeyTableSchema
            && o.Extension.IncludeKeyTable == Extension.IncludeKeyTable
            && o.Extension.AllowPlaintextReads == Extension.AllowPlaintextReads;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
        {
            debugInfo["ColumnCrypto:KeyTable"] = Extension.IncludeKeyTable ? $"{Extension.KeyTableSchema}.{Extension.KeyTableName}" : "none";
            debugInfo["ColumnCrypto:AllowPlaintextReads"] = Extension.AllowPlaintextReads ? "true" : "false";
        }
    }
}
